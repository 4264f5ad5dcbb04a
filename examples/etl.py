"""Nightly ETL: clean the orders export and compute revenue per customer."""
import pandas as pd


def load_orders(path: str) -> pd.DataFrame:
    orders = pd.read_csv(path)
    orders["customer"] = orders["customer"].apply(lambda s: s.strip())
    orders["net"] = orders["gross"].apply(lambda x: x * 0.8)
    return orders


def revenue_by_customer(orders: pd.DataFrame) -> dict:
    totals = {}
    for _, row in orders.iterrows():
        totals[row["customer"]] = totals.get(row["customer"], 0) + row["net"]
    return totals


def write_report(totals: dict, path: str) -> None:
    text = open(path + ".header").read()
    with open(path, "w") as out:
        out.write(text)
        for customer, total in sorted(totals.items()):
            out.write(f"{customer},{total:.2f}\n")
