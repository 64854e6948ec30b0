//! The 17 operations with typed inputs, each returning the envelope's `data`.

use progenitor_client::ResponseValue;

use crate::client::Client;
use crate::envelope::Envelope;
use crate::error::Error;
use crate::generated::types::{
    Balance, FeeSchedule, GetOrderByMemoMemo, HealthStatus, Order, OrderPage, OrderStats,
    PremiumEstimate, RecipientCheck, StarsEstimate, TonRate, TransactionPage,
};
use crate::idempotency::{IdempotencyKey, Idempotent};
use crate::ids::{OrderId, PremiumMonths};
use crate::requests::{
    NewPremiumOrder, NewStarsOrder, OrderQuery, PageRequest, checked_client_reference,
    checked_username, stars_quantity,
};

/// Response header set on a replayed idempotent request.
const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";

fn data<T>(response: ResponseValue<Envelope<T>>) -> T {
    response.into_inner().data
}

fn idempotent<T>(
    (response, attempts): (ResponseValue<Envelope<T>>, u32),
    key: IdempotencyKey,
) -> Idempotent<T> {
    let replayed = response
        .headers()
        .get(IDEMPOTENT_REPLAYED)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"));
    Idempotent {
        value: data(response),
        idempotency_key: key,
        replayed,
        attempts,
    }
}

impl Client {
    /// Creates a Stars order. Every attempt carries the same `Idempotency-Key` (yours, or a
    /// fresh UUIDv4), returned with the order and with any error.
    pub async fn create_stars_order(
        &self,
        order: NewStarsOrder,
    ) -> Result<Idempotent<Order>, Error> {
        let key = order.idempotency_key.unwrap_or_else(IdempotencyKey::random);
        let body = order.body;
        let response = self
            .call_counted("create_stars_order", Some(&key), |c| {
                let (key, body) = (key.clone(), body.clone());
                async move {
                    c.create_stars_order()
                        .idempotency_key(key)
                        .body(body)
                        .send()
                        .await
                }
            })
            .await?;
        Ok(idempotent(response, key))
    }

    /// Creates a Premium order; idempotent like [`Client::create_stars_order`].
    pub async fn create_premium_order(
        &self,
        order: NewPremiumOrder,
    ) -> Result<Idempotent<Order>, Error> {
        let key = order.idempotency_key.unwrap_or_else(IdempotencyKey::random);
        let body = order.body;
        let response = self
            .call_counted("create_premium_order", Some(&key), |c| {
                let (key, body) = (key.clone(), body.clone());
                async move {
                    c.create_premium_order()
                        .idempotency_key(key)
                        .body(body)
                        .send()
                        .await
                }
            })
            .await?;
        Ok(idempotent(response, key))
    }

    /// Cancels a `pending_payment` order under a fresh `Idempotency-Key`.
    pub async fn cancel_order(&self, id: impl Into<OrderId>) -> Result<Idempotent<Order>, Error> {
        self.cancel_order_with_key(id, IdempotencyKey::random())
            .await
    }

    /// Cancels a `pending_payment` order under `key`, e.g. to resume a cancel whose outcome was
    /// unknown.
    pub async fn cancel_order_with_key(
        &self,
        id: impl Into<OrderId>,
        key: IdempotencyKey,
    ) -> Result<Idempotent<Order>, Error> {
        let id = id.into();
        let response = self
            .call_counted("cancel_order", Some(&key), |c| {
                let key = key.clone();
                async move { c.cancel_order().id(id).idempotency_key(key).send().await }
            })
            .await?;
        Ok(idempotent(response, key))
    }

    /// One order of this partner.
    pub async fn get_order(&self, id: impl Into<OrderId>) -> Result<Order, Error> {
        let id = id.into();
        self.call("get_order", None, |c| async move {
            c.get_order().id(id).send().await
        })
        .await
        .map(data)
    }

    /// One page of orders, newest first. See [`Client::orders`] for all of them as a stream.
    pub async fn list_orders(&self, query: &OrderQuery) -> Result<OrderPage, Error> {
        let (limit, offset) = (query.page.limit()?, query.page.offset()?);
        self.call("list_orders", None, |c| {
            let (status, order_type) = (query.status.clone(), query.order_type.clone());
            async move {
                let mut request = c.list_orders();
                if let Some(status) = status {
                    request = request.status(status);
                }
                if let Some(order_type) = order_type {
                    request = request.order_type(order_type);
                }
                if let Some(limit) = limit {
                    request = request.limit(limit);
                }
                if let Some(offset) = offset {
                    request = request.offset(offset);
                }
                request.send().await
            }
        })
        .await
        .map(data)
    }

    /// The order whose `payment_memo` is `memo`.
    pub async fn get_order_by_memo(&self, memo: &str) -> Result<Order, Error> {
        let memo = GetOrderByMemoMemo::try_from(memo)
            .map_err(|e| Error::invalid_input_caused_by("memo", "must be 1–64 characters", e))?;
        self.call("get_order_by_memo", None, |c| {
            let memo = memo.clone();
            async move { c.get_order_by_memo().memo(memo).send().await }
        })
        .await
        .map(data)
    }

    /// Every order carrying your `client_reference`; empty when there is none.
    pub async fn list_orders_by_reference(&self, reference: &str) -> Result<Vec<Order>, Error> {
        let reference = checked_client_reference(reference, "ref")?;
        self.call("list_orders_by_reference", None, |c| {
            let reference = reference.clone();
            async move { c.list_orders_by_reference().ref_(reference).send().await }
        })
        .await
        .map(data)
    }

    /// Order counts by status and totals.
    pub async fn get_order_stats(&self) -> Result<OrderStats, Error> {
        self.call("get_order_stats", None, |c| async move {
            c.get_order_stats().send().await
        })
        .await
        .map(data)
    }

    /// The current TON/USD rate.
    pub async fn get_ton_rate(&self) -> Result<TonRate, Error> {
        self.call("get_ton_rate", None, |c| async move {
            c.get_ton_rate().send().await
        })
        .await
        .map(data)
    }

    /// The service fee and order limits.
    pub async fn get_fee_schedule(&self) -> Result<FeeSchedule, Error> {
        self.call("get_fee_schedule", None, |c| async move {
            c.get_fee_schedule().send().await
        })
        .await
        .map(data)
    }

    /// What `quantity` Stars would cost now.
    pub async fn estimate_stars_price(&self, quantity: u32) -> Result<StarsEstimate, Error> {
        let quantity = stars_quantity(quantity)?;
        self.call("estimate_stars_price", None, |c| {
            let quantity = quantity.clone();
            async move { c.estimate_stars_price().quantity(quantity).send().await }
        })
        .await
        .map(data)
    }

    /// What `months` of Premium would cost now.
    pub async fn estimate_premium_price(
        &self,
        months: PremiumMonths,
    ) -> Result<PremiumEstimate, Error> {
        self.call("estimate_premium_price", None, |c| async move {
            c.estimate_premium_price().months(months).send().await
        })
        .await
        .map(data)
    }

    /// Whether `username` (with or without `@`) can receive Stars.
    pub async fn check_stars_recipient(&self, username: &str) -> Result<RecipientCheck, Error> {
        let name = checked_username(username, "username")?;
        self.call("check_stars_recipient", None, |c| {
            let name = name.clone();
            async move { c.check_stars_recipient().username(name).send().await }
        })
        .await
        .map(data)
    }

    /// Whether `username` (with or without `@`) can receive Premium.
    pub async fn check_premium_recipient(&self, username: &str) -> Result<RecipientCheck, Error> {
        let name = checked_username(username, "username")?;
        self.call("check_premium_recipient", None, |c| {
            let name = name.clone();
            async move { c.check_premium_recipient().username(name).send().await }
        })
        .await
        .map(data)
    }

    /// The partner's balance and top-up address.
    pub async fn get_balance(&self) -> Result<Balance, Error> {
        self.call("get_balance", None, |c| async move {
            c.get_balance().send().await
        })
        .await
        .map(data)
    }

    /// One page of balance transactions, newest first. See [`Client::balance_transactions`].
    pub async fn list_balance_transactions(
        &self,
        page: PageRequest,
    ) -> Result<TransactionPage, Error> {
        let (limit, offset) = (page.limit()?, page.offset()?);
        self.call("list_balance_transactions", None, |c| async move {
            let mut request = c.list_balance_transactions();
            if let Some(limit) = limit {
                request = request.limit(limit);
            }
            if let Some(offset) = offset {
                request = request.offset(offset);
            }
            request.send().await
        })
        .await
        .map(data)
    }

    /// The service's health; needs no valid key.
    pub async fn get_health(&self) -> Result<HealthStatus, Error> {
        self.call("get_health", None, |c| async move {
            c.get_health().send().await
        })
        .await
        .map(data)
    }
}
