"""The audit trail ("Nhật ký thao tác"): who changed what, hash chained; `trail` writes and reads it, `capture` feeds it."""
