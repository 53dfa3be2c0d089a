"""Model and inputs on one device, checked without a GPU.

PyTorch's "meta" device stands in for a GPU here: tensors can be moved to it like to "cuda", and a stand-in
model records where its weights and its inputs were when it ran. A function that scores a CPU-loaded
checkpoint with inputs moved to another device (the crash of lesson 05 on CUDA and MPS) fails these tests.
"""
import pytest
import torch
from torch import nn

from sentiment_helpers import batching, checkpoint, data, demo, device, evaluate, explain, held_out
from sentiment_helpers.predict import SentimentPredictor
from sentiment_helpers.vocab import Vocab

NOT_THE_CPU = torch.device("meta")


class DeviceRecorder(nn.Module):
    """Stands in for the BiLSTM: records (weights' device, ids' device, lengths' device) at every call."""

    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1))
        self.calls: list[tuple[str, str, str]] = []

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        self.calls.append((self.weight.device.type, ids.device.type, lengths.device.type))
        return torch.zeros(ids.shape[0])  # a CPU logit per review, so the caller's .cpu() works on any device

    def assert_one_device(self, expected: torch.device) -> None:
        assert self.calls, "the model was never called"
        assert set(self.calls) == {(expected.type,) * 3}, self.calls


VOCAB = Vocab(["<pad>", "<unk>", "good", "bad", "film"])


def test_place_model_moves_the_model_and_says_where():
    recorder = DeviceRecorder()
    assert device.place_model(recorder, NOT_THE_CPU) == NOT_THE_CPU
    assert recorder.weight.device.type == "meta"
    assert device.place_model(DeviceRecorder(), "cpu").type == "cpu"


def test_predict_logits_puts_a_cpu_model_where_its_inputs_go():
    recorder = DeviceRecorder()  # on the CPU, as load_checkpoint builds it
    encoded = batching.encode_texts(["good film", "bad film", "film"], [1, 0, 1], VOCAB)
    result = evaluate.evaluate(recorder, batching.make_loader(encoded, 2), NOT_THE_CPU, progress=False)
    recorder.assert_one_device(NOT_THE_CPU)
    assert result.metrics["n"] == 3


def test_evaluate_checkpoint_runs_the_loaded_model_on_the_device_it_is_given(smoke_run):
    bundle = checkpoint.load_checkpoint(smoke_run.checkpoint_path)
    bundle.model = DeviceRecorder()
    held_out.evaluate_checkpoint(bundle, NOT_THE_CPU, data.SAMPLE_DIR, progress=False)
    bundle.model.assert_one_device(NOT_THE_CPU)


def test_predictor_explanations_and_demo_run_model_and_inputs_on_one_device():
    recorder = DeviceRecorder()
    predictor = SentimentPredictor(recorder, VOCAB, max_len=10, device=NOT_THE_CPU)
    predictor.predict_sentiment("good film")
    predictor.predict_batch(["good", "bad film", "film film"], progress=False)
    explain.occlusion(predictor, "a good film")
    app = demo.SentimentDemo(predictor, show_chart=False)
    app.text.value = "bad film"
    app.button.click()
    assert app.last_error is None
    recorder.assert_one_device(NOT_THE_CPU)


def test_predictor_takes_the_gpu_when_there_is_one(monkeypatch):
    monkeypatch.setattr(device, "pick_device", lambda prefer=None, verbose=True: NOT_THE_CPU)
    recorder = DeviceRecorder()
    predictor = SentimentPredictor(recorder, VOCAB)
    assert predictor.device == NOT_THE_CPU and recorder.weight.device == NOT_THE_CPU
    assert SentimentPredictor(DeviceRecorder(), VOCAB, device="cpu").device.type == "cpu"


@pytest.mark.parametrize("where", ["cpu", None])
def test_a_real_checkpoint_predicts_after_evaluation_on_the_same_bundle(smoke_run, where):
    # lesson 05's order: evaluate the bundle, then build a predictor from it, then explain a review
    bundle = checkpoint.load_checkpoint(smoke_run.checkpoint_path)
    held_out.evaluate_checkpoint(bundle, torch.device("cpu"), data.SAMPLE_DIR, progress=False)
    predictor = SentimentPredictor.from_checkpoint(bundle, device=where)
    assert 0 <= explain.occlusion(predictor, "a good film").p_positive <= 1
