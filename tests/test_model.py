import pytest
import torch
from torch import nn

from sentiment_helpers.model import (
    SentimentLSTM,
    count_parameters,
    lstm_direction_parameters,
    parameter_table,
    reverse_within_length,
)


def test_reference_model_has_3_648_257_parameters():
    model = SentimentLSTM()
    assert count_parameters(model) == 3_648_257
    assert model.embedding.padding_idx == 0
    assert model.fc.in_features == 512


def test_parameter_table_matches_formula_and_pytorch():
    table = parameter_table(SentimentLSTM())
    assert (table.by_formula == table.by_pytorch).all()
    assert table.iloc[-1].by_pytorch == 3_648_257
    assert list(table.layer[1:5]) == ["lstm layer 0 forward", "lstm layer 0 backward",
                                      "lstm layer 1 forward", "lstm layer 1 backward"]
    assert lstm_direction_parameters(128, 256) == 395_264


def test_same_count_as_a_torch_bidirectional_lstm():
    ours = sum(count_parameters(layer) for layer in SentimentLSTM().lstm)
    assert ours == count_parameters(nn.LSTM(128, 256, num_layers=2, bidirectional=True, dropout=0.5))


def _batch(lengths, vocab_size=50, seed=0):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(2, vocab_size, (len(lengths), max(lengths)), generator=g)
    for row, n in enumerate(lengths):
        ids[row, n:] = 0
    return ids, torch.tensor(lengths)


@pytest.mark.parametrize("pooling", ["last", "maxmean"])
def test_padding_invariance(pooling):
    torch.manual_seed(0)
    model = SentimentLSTM(vocab_size=50, embed_dim=16, hidden_dim=12, pooling=pooling).eval()
    ids, lengths = _batch([7, 120, 64, 200])
    with torch.no_grad():
        together = model(ids, lengths)
        alone = model(ids[:1, :7], lengths[:1])
    assert torch.allclose(alone, together[:1], atol=1e-5)


def test_equals_packed_torch_bilstm_final_states():
    """Our per-direction layers compute exactly what nn.LSTM(bidirectional) computes on packed input."""
    torch.manual_seed(0)
    model = SentimentLSTM(vocab_size=50, embed_dim=16, hidden_dim=12).eval()
    reference = nn.LSTM(16, 12, num_layers=2, bidirectional=True, batch_first=True).eval()
    for i, layer in enumerate(model.lstm):
        for lstm, suffix in ((layer.forward_lstm, ""), (layer.backward_lstm, "_reverse")):
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(lstm, f"{name}_l0").data.copy_(getattr(reference, f"{name}_l{i}{suffix}"))
    ids, lengths = _batch([9, 30, 4])
    with torch.no_grad():
        packed = nn.utils.rnn.pack_padded_sequence(model.embedding(ids), lengths, batch_first=True,
                                                   enforce_sorted=False)
        _, (hidden, _) = reference(packed)
        expected = model.fc(torch.cat([hidden[-2], hidden[-1]], dim=-1)).squeeze(-1)
        assert torch.allclose(model(ids, lengths), expected, atol=1e-5)


def test_reverse_within_length_and_its_gradient():
    x = torch.arange(2 * 5 * 3, dtype=torch.float64).reshape(2, 5, 3).requires_grad_()
    lengths = torch.tensor([5, 3])
    reversed_x = reverse_within_length(x, lengths)
    assert torch.equal(reversed_x[0], x[0].flip(0))
    assert torch.equal(reversed_x[1, :3], x[1, :3].flip(0)) and torch.equal(reversed_x[1, 3:], x[1, 3:])  # pads stay
    assert torch.equal(reverse_within_length(reversed_x, lengths), x)
    # the hand-written backward (the same reordering) against numerical gradients
    assert torch.autograd.gradcheck(lambda t: reverse_within_length(t, lengths) * torch.arange(1., 6.)[:, None], (x,))


def test_embedding_projection_counts_and_padding_invariance():
    torch.manual_seed(0)
    model = SentimentLSTM(vocab_size=50, embed_dim=16, hidden_dim=12, num_layers=1, pooling="maxmean",
                          embed_projection=6).eval()
    assert model.lstm[0].forward_lstm.input_size == 6
    table = parameter_table(model)
    assert (table.by_formula == table.by_pytorch).all()
    assert table.set_index("layer").loc["projection", "by_pytorch"] == 16 * 6 + 6
    ids, lengths = _batch([7, 40])
    with torch.no_grad():
        assert torch.allclose(model(ids[:1, :7], lengths[:1]), model(ids, lengths)[:1], atol=1e-5)
    # with the embedding frozen, the projection still learns
    model.embedding.weight.requires_grad_(False)
    model.train()(ids, lengths).sum().backward()
    assert model.embedding.weight.grad is None and model.projection.weight.grad.abs().sum() > 0


def test_output_shape_and_bad_pooling():
    model = SentimentLSTM(vocab_size=50, embed_dim=8, hidden_dim=4, num_layers=1, pooling="maxmean")
    ids, lengths = _batch([3, 5])
    assert model(ids, lengths).shape == (2,)
    with pytest.raises(ValueError, match="pooling"):
        SentimentLSTM(pooling="attention")


def test_word_pairs_halve_the_steps_count_their_parameters_and_keep_padding_invariance():
    torch.manual_seed(0)
    model = SentimentLSTM(vocab_size=50, embed_dim=16, hidden_dim=12, num_layers=1, pooling="maxmean",
                          word_pairs=True).eval()
    table = parameter_table(model)
    assert (table.by_formula == table.by_pytorch).all()
    assert table.set_index("layer").loc["word pairs", "by_pytorch"] == 2 * 16 * 16 + 16
    ids, lengths = _batch([7, 40, 13])
    x, paired = model.read_in_pairs(model.embedding(ids), lengths)
    assert x.shape[1] == 20 and paired.tolist() == [4, 20, 7]  # ceil(length / 2)
    with torch.no_grad():  # an odd length, alone or padded in a batch: the same logit
        assert torch.allclose(model(ids[:1, :7], lengths[:1]), model(ids, lengths)[:1], atol=1e-5)
        assert torch.allclose(model(ids[2:, :13], lengths[2:]), model(ids, lengths)[2:], atol=1e-5)
