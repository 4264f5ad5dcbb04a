"""A small async service that polls an upstream API."""
import asyncio
import time

import requests


async def fetch_status(url: str) -> dict:
    response = requests.get(url, timeout=10)
    return response.json()


async def poll(url: str, interval: float) -> None:
    while True:
        status = await fetch_status(url)
        if status.get("ready"):
            return
        time.sleep(interval)


if __name__ == "__main__":
    asyncio.run(poll("http://localhost:8080/status", 1.0))
