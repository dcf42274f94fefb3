from conftest import d


def test_load_gives_canonical_schema(load):
    orders = load(
        "orders",
        [{"order_id": "1", "customer_id": "a", "order_date": d("2024-01-02"), "amount": 10.0}],
    )
    assert orders.schema()["order_date"].is_date()
    assert orders.amount.sum().execute() == 10.0
