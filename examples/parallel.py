"""Score documents on every core."""
from multiprocessing import Pool


def score(doc: str) -> int:
    return sum(1 for word in doc.split() if len(word) > 6)


documents = ["a long document with several elaborate words"] * 1000

with Pool(4) as pool:
    scores = pool.map(score, documents)
print(max(scores))
