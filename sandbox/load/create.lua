-- wrk script: POST /api/v1/orders/stars, each request with its own Idempotency-Key, so every
-- request creates an order (nothing is a replay). KEY is the bearer key (osk_sandbox_alpha).
local key = os.getenv("KEY") or "osk_sandbox_alpha"
local body = '{"recipient_username":"pandus","quantity":100,"payment_method":"ton_memo",'
    .. '"payment_currency":"TON","client_reference":"load"}'
local threads = 0
local counter = 0
local prefix = ""

function setup(thread)
    threads = threads + 1
    thread:set("thread_id", threads)
end

function init(args)
    prefix = string.format("load-%d-%d-", os.time(), thread_id)
end

function request()
    counter = counter + 1
    return wrk.format("POST", "/api/v1/orders/stars", {
        ["Authorization"] = "Bearer " .. key,
        ["Content-Type"] = "application/json",
        ["Idempotency-Key"] = prefix .. counter,
    }, body)
end
