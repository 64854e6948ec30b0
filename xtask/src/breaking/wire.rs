//! Wire compatibility: does a client built from the base spec still work against a server that
//! implements the new one? Requests must still be accepted (callers write them), responses must
//! still be understood (callers read them).

use super::classify::{Context, Impact};
use super::delta::{Delta, Fact, SchemaChange, Tightening};

/// The wire verdict on one change.
pub fn classify(delta: &Delta, ctx: &Context) -> Impact {
    match &delta.fact {
        Fact::Schema(change) => schema(change, delta, ctx),
        fact => operation(fact),
    }
}

fn operation(fact: &Fact) -> Impact {
    use Impact as I;
    match fact {
        Fact::OperationRemoved { .. } => I::breaks("clients built from the old spec still call it"),
        Fact::OperationAdded { .. } => I::compatible("old clients do not call it"),
        Fact::OperationRenamed { .. } => {
            I::compatible("same method and path: nothing on the wire changes")
        }
        Fact::OperationMoved { .. } => I::breaks("old clients call the old method and path"),
        Fact::ParamRemoved { .. } => {
            I::breaks("old clients still send it; the server no longer promises to honour it")
        }
        Fact::ParamAdded { required: true } | Fact::BodyAdded { required: true } => {
            I::breaks("old clients do not send it")
        }
        Fact::ParamAdded { required: false } | Fact::BodyAdded { required: false } => {
            I::compatible("old clients omit it, which stays allowed")
        }
        Fact::ParamRequiredChanged { now_required: true }
        | Fact::BodyRequiredChanged { now_required: true } => {
            I::breaks("old clients may omit it, which is now rejected")
        }
        Fact::ParamRequiredChanged {
            now_required: false,
        }
        | Fact::BodyRequiredChanged {
            now_required: false,
        } => I::compatible("old clients send it, which stays allowed"),
        Fact::BodyRemoved => {
            I::breaks("old clients still send a body the server no longer promises to read")
        }
        Fact::BodyMediaTypesChanged { from, to } => {
            if from.iter().all(|m| to.contains(m)) {
                I::compatible("every media type old clients send is still accepted")
            } else {
                I::breaks("a media type old clients send is no longer accepted")
            }
        }
        Fact::StatusAdded { success: true } => I::breaks("old clients do not expect this success"),
        Fact::StatusAdded { success: false } => {
            I::compatible("an error status: clients already treat unknown errors as errors")
        }
        Fact::StatusRemoved { .. } => I::compatible("the server no longer sends it"),
        Fact::ResponseBodyChanged {
            now_has_body: false,
        } => I::breaks("old clients expect a JSON body"),
        Fact::ResponseBodyChanged { now_has_body: true } => {
            I::compatible("old clients ignore a body they do not expect")
        }
        Fact::AuthChanged { now_required: true } => {
            I::breaks("old clients call it without credentials")
        }
        Fact::AuthChanged {
            now_required: false,
        } => I::compatible("credentials old clients send are ignored"),
        Fact::SdkExtension { .. } => I::compatible("an sdk extension: nothing on the wire changes"),
        Fact::SchemaRemoved => I::compatible(
            "no longer referenced; each place that referenced it is listed on its own",
        ),
        Fact::SchemaAdded => I::compatible("a new schema"),
        Fact::Schema(_) => unreachable!("schema changes are classified by `schema`"),
    }
}

fn schema(change: &SchemaChange, delta: &Delta, ctx: &Context) -> Impact {
    let (sent_by, returned_by) = (ctx.sent_by(delta), ctx.returned_by(delta));
    if sent_by.is_empty() && returned_by.is_empty() {
        return Impact::compatible("no operation of the old spec reaches it");
    }
    let mut verdicts = Vec::new();
    if !sent_by.is_empty() {
        verdicts.push(in_request(change));
    }
    if !returned_by.is_empty() {
        verdicts.push(in_response(change));
    }
    let breaking: Vec<&Impact> = verdicts.iter().filter(|v| v.breaking).collect();
    match breaking.as_slice() {
        [] => Impact::compatible(join(verdicts.iter())),
        some => Impact::breaks(join(some.iter().copied())),
    }
}

fn join<'a>(verdicts: impl Iterator<Item = &'a Impact>) -> String {
    verdicts
        .map(|v| v.why.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Callers write it: the server must still accept everything they send.
fn in_request(change: &SchemaChange) -> Impact {
    use Impact as I;
    use SchemaChange as C;
    match change {
        C::PropertyRemoved { .. } => I::breaks(
            "in requests: old clients still send it; the server no longer promises to use it",
        ),
        C::PropertyAdded { required: true } => I::breaks("in requests: old clients do not send it"),
        C::PropertyAdded { required: false } => I::compatible("in requests: old clients omit it"),
        C::RequiredChanged { now_required: true } => {
            I::breaks("in requests: old clients may omit it, which is now rejected")
        }
        C::RequiredChanged {
            now_required: false,
        } => I::compatible("in requests: old clients send it, which stays allowed"),
        C::TypeChanged { widened: true, .. } => {
            I::compatible("in requests: every value old clients send is still valid")
        }
        C::TypeChanged { .. } => I::breaks("in requests: values old clients send are now invalid"),
        C::EnumValueRemoved { value, .. } => {
            I::breaks(format!("in requests: old clients may still send {value}"))
        }
        C::EnumValueAdded { .. } => I::compatible("in requests: old clients never send it"),
        C::Constraint {
            direction: Tightening::Loosened,
            ..
        } => I::compatible("in requests: the rule accepts more than before"),
        C::Constraint { .. } => {
            I::breaks("in requests: values old clients send may now be rejected")
        }
        C::NullableChanged { now_nullable: true } => {
            I::compatible("in requests: null is now also accepted")
        }
        C::NullableChanged {
            now_nullable: false,
        } => I::breaks("in requests: old clients may send null, which is now rejected"),
        C::RefChanged {
            same_shape: true, ..
        } => I::compatible("in requests: the same JSON"),
        C::RefChanged { .. } => I::breaks("in requests: another schema, with other rules"),
        C::Inlined { .. } | C::StringNewtype { .. } => {
            I::compatible("in requests: the JSON rules are compared and listed on their own")
        }
        C::SdkDefault { .. } => I::compatible("an sdk extension: nothing on the wire changes"),
    }
}

/// Callers read it: they must still understand everything the server sends.
fn in_response(change: &SchemaChange) -> Impact {
    use Impact as I;
    use SchemaChange as C;
    match change {
        C::PropertyRemoved { required: true } => {
            I::breaks("in responses: clients built from the old spec require it")
        }
        C::PropertyRemoved { required: false } => {
            I::compatible("in responses: it was optional, so clients already handle its absence")
        }
        C::PropertyAdded { .. } => I::compatible("in responses: old clients ignore unknown fields"),
        C::RequiredChanged {
            now_required: false,
        } => I::breaks("in responses: old clients expect it in every response"),
        C::RequiredChanged { now_required: true } => {
            I::compatible("in responses: it is now always there")
        }
        C::TypeChanged { narrowed: true, .. } => {
            I::compatible("in responses: every value sent now was valid before")
        }
        C::TypeChanged { .. } => {
            I::breaks("in responses: old clients cannot decode the new values")
        }
        C::EnumValueAdded { open: true, .. } => {
            I::compatible("in responses: an open enum, clients keep values they do not know")
        }
        C::EnumValueAdded { value, .. } => I::breaks(format!(
            "in responses: a closed enum, old clients reject {value}"
        )),
        C::EnumValueRemoved { .. } => I::compatible("in responses: the server no longer sends it"),
        C::Constraint {
            direction: Tightening::Tightened,
            ..
        } => I::compatible("in responses: every value sent now was valid before"),
        C::Constraint { .. } => I::breaks(
            "in responses: values the server may now send fail the old rule, which generated clients check when decoding",
        ),
        C::NullableChanged { now_nullable: true } => {
            I::breaks("in responses: old clients do not expect null")
        }
        C::NullableChanged {
            now_nullable: false,
        } => I::compatible("in responses: null is no longer sent"),
        C::RefChanged {
            same_shape: true, ..
        } => I::compatible("in responses: the same JSON"),
        C::RefChanged { .. } => {
            I::breaks("in responses: another schema, which old clients do not decode")
        }
        C::Inlined { .. } | C::StringNewtype { .. } => {
            I::compatible("in responses: the JSON rules are compared and listed on their own")
        }
        C::SdkDefault { .. } => I::compatible("an sdk extension: nothing on the wire changes"),
    }
}
