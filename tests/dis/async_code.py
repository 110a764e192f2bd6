import asyncio


async def fetch(x):
    await asyncio.sleep(0)
    return x


async def main():
    results = [await fetch(i) for i in range(3)]
    async with asyncio.Lock() as lock:
        print(lock)
    async for v in agen():
        print(v)
    return results


async def agen():
    for i in range(2):
        yield i
        await asyncio.sleep(0)


asyncio.run(main())
