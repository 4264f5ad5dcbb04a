"""hf-pipeline-without-batch-size: a text-classification pipeline fed chunks of 32 texts without vs with batch_size."""
# requires: torch, transformers, cuda
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast, pipeline

from _bench import best_time, report, same

TEXTS, CHUNK = 1_024, 32

# A small randomly initialised BERT and a word-level vocabulary written here: nothing is downloaded.
words = [f"w{i}" for i in range(2_000)]
vocab_dir = tempfile.mkdtemp()
with open(os.path.join(vocab_dir, "vocab.txt"), "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]))
tokenizer = BertTokenizerFast(os.path.join(vocab_dir, "vocab.txt"))
torch.manual_seed(0)
config = BertConfig(vocab_size=len(words) + 5, hidden_size=256, num_hidden_layers=4, num_attention_heads=4, intermediate_size=1024)
model = BertForSequenceClassification(config).eval()
texts = [" ".join(words[(i * 7 + j) % len(words)] for j in range(48)) for i in range(TEXTS)]

unbatched = pipeline("text-classification", model=model, tokenizer=tokenizer, device=0)
batched = pipeline("text-classification", model=model, tokenizer=tokenizer, device=0, batch_size=CHUNK)


def run(clf):
    labels = []
    for i in range(0, len(texts), CHUNK):
        labels.extend(r["label"] for r in clf(texts[i : i + CHUNK]))
    return labels


same(run(unbatched), run(batched), "labels")
report(
    metric="time",
    before=best_time(lambda: run(unbatched), repeat=3),
    after=best_time(lambda: run(batched), repeat=3),
    size=f"{TEXTS:,} texts of 48 words in chunks of {CHUNK}, 4-layer BERT (hidden 256)",
    before_label="pipeline(...)(texts[i : i + 32])",
    after_label="pipeline(..., batch_size=32)(texts[i : i + 32])",
    conditions=f"CUDA GPU ({torch.cuda.get_device_name(0)})",
    libs=("torch", "transformers"),
    repeat=3,
)
