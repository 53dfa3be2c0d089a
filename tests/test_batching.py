import torch

from sentiment_helpers.batching import BucketBatchSampler, collate, encode_texts, make_loader, truncate
from sentiment_helpers.vocab import UNK_ID, Vocab


def test_truncate_head_and_head_tail():
    ids = list(range(10))
    assert truncate(ids, 4) == [0, 1, 2, 3]
    assert truncate(ids, 5, "head+tail") == [0, 1, 7, 8, 9]
    assert truncate(ids[:3], 5, "head+tail") == [0, 1, 2]


def test_encode_truncates_and_never_gives_empty_reviews():
    vocab = Vocab.build([["good"]], min_freq=1)
    encoded = encode_texts(["good " * 300, "!!!"], [1, 0], vocab, max_len=256)
    assert encoded.lengths == [256, 1]
    assert encoded.n_tokens == [300, 0]
    assert encoded.ids[1] == [UNK_ID]


def test_encoding_given_tokens_equals_encoding_the_texts():
    import pytest

    from sentiment_helpers.text import tokenize

    texts = ["A good film.<br />Not bad!", "bad " * 300, ""]
    vocab = Vocab.build([tokenize(t) for t in texts], min_freq=1)
    from_texts = encode_texts(texts, [1, 0, 1], vocab, max_len=8, truncation="head+tail")
    from_tokens = encode_texts(texts, [1, 0, 1], vocab, max_len=8, truncation="head+tail",
                               tokens=[tokenize(t) for t in texts])
    assert (from_tokens.ids, from_tokens.n_tokens, from_tokens.labels) == (from_texts.ids, from_texts.n_tokens,
                                                                           from_texts.labels)
    with pytest.raises(ValueError, match="2 tokenized reviews for 3 texts"):
        encode_texts(texts, None, vocab, tokens=[["good"], ["bad"]])


def test_collate_pads_per_batch_and_returns_true_lengths():
    batch = collate([([5, 6, 7], 1, 0), ([8], 0, 1)])
    assert batch["ids"].tolist() == [[5, 6, 7], [8, 0, 0]]
    assert batch["lengths"].tolist() == [3, 1]
    assert batch["labels"].tolist() == [1.0, 0.0]
    assert collate([([5], 1, 0)], pad_to=4)["ids"].shape == (1, 4)


def test_bucket_sampler_covers_every_review_once_with_similar_lengths():
    lengths = [(i * 37) % 200 + 1 for i in range(1000)]
    sampler = BucketBatchSampler(lengths, batch_size=32, shuffle=True, seed=1, pool_batches=10)
    batches = list(sampler)
    assert sorted(i for b in batches for i in b) == list(range(1000))
    spread = sum(max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in batches) / len(batches)
    assert spread < 40  # random batches would spread over ~180
    assert list(sampler) == batches  # iterating again (e.g. peeking at a batch) changes nothing...
    sampler.set_epoch(1)
    assert list(sampler) != batches  # ...a new epoch gives a new order


def test_loader_index_restores_order():
    vocab = Vocab.build([["a", "b"]], min_freq=1)
    encoded = encode_texts(["a " * n for n in (5, 1, 3)], [1, 0, 1], vocab)
    seen = torch.cat([b["index"] for b in make_loader(encoded, batch_size=2, bucket=True)])
    assert sorted(seen.tolist()) == [0, 1, 2]
