"""Build a tiny stand-in piper voice: phoneme ids -> 256 samples of tone each (no weights)."""
import json, numpy as np, onnx
from onnx import helper, TensorProto, numpy_helper
hop = 256
base = (0.5 * np.sin(2 * np.pi * np.arange(hop) * 440 / 22050)).astype(np.float32).reshape(1, 1, hop)
nodes = [
    helper.make_node("Cast", ["input"], ["xf"], to=TensorProto.FLOAT),
    helper.make_node("Unsqueeze", ["xf", "axis2"], ["x3"]),
    helper.make_node("Mul", ["x3", "zero"], ["z3"]),
    helper.make_node("Add", ["z3", "base"], ["wave"]),
    helper.make_node("Reshape", ["wave", "shape"], ["output"]),
]
graph = helper.make_graph(
    nodes, "tiny_piper",
    [helper.make_tensor_value_info("input", TensorProto.INT64, [1, None]),
     helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
     helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3])],
    [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, None])],
    initializer=[numpy_helper.from_array(np.array([2], dtype=np.int64), "axis2"),
                 numpy_helper.from_array(np.zeros((1,), np.float32), "zero"),
                 numpy_helper.from_array(base, "base"),
                 numpy_helper.from_array(np.array([1, 1, -1], dtype=np.int64), "shape")],
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="loa-tests")
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, "/tmp/tiny-vi.onnx")

# The voice's .onnx.json (written by hand, kept beside the model): espeak-ng's "vi" phonemes,
# an id for every Latin, IPA and combining character, 22,050 Hz, one speaker.
