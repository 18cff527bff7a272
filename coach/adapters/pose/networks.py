"""BlazePose's two networks run by LiteRT on `[vision] pose_threads` threads: the detector finds
a person in the whole frame, the landmark network reads 33 points in a region. The runtime is
imported here only, when the pose model is chosen."""

from __future__ import annotations

import numpy as np

from coach.adapters.pose.files import PoseModelFiles, PoseModelUnavailable
from coach.core.pose import crop, detection, landmarks
from coach.core.pose.anchors import INPUT_SIDE as DETECTOR_SIDE
from coach.core.pose.anchors import anchor_centres


class _Network:
    """One network; only the outputs asked for are copied out (the landmark network also makes
    a segmentation mask and heat maps the coach does not use)."""

    def __init__(
        self, interpreter_class: type, path: str, threads: int, outputs: tuple[str, ...]
    ) -> None:
        try:
            self._interpreter = interpreter_class(model_path=path, num_threads=threads)
            self._interpreter.allocate_tensors()
        except (RuntimeError, ValueError) as exc:
            raise PoseModelUnavailable(f"LiteRT cannot load {path}: {exc}") from None
        self._input = self._interpreter.get_input_details()[0]["index"]
        details = {d["name"]: d["index"] for d in self._interpreter.get_output_details()}
        self._outputs = {name: details[name] for name in outputs}

    def __call__(self, tensor: np.ndarray) -> dict[str, np.ndarray]:
        self._interpreter.set_tensor(self._input, tensor[None])
        self._interpreter.invoke()
        return {name: self._interpreter.get_tensor(i)[0] for name, i in self._outputs.items()}


class BlazePose:
    def __init__(self, files: PoseModelFiles, threads: int = 1) -> None:
        try:
            from ai_edge_litert.interpreter import Interpreter
        except ImportError:
            raise PoseModelUnavailable(
                "the LiteRT runtime (ai-edge-litert) is not installed"
            ) from None
        wanted = ("Identity", "Identity_1")  # boxes and scores; landmarks and presence
        self._detector = _Network(Interpreter, str(files.detector), threads, wanted)
        self._landmarker = _Network(
            Interpreter,
            str(files.landmarker),
            threads,
            (*wanted, "Identity_3"),  # heat maps
        )
        self._anchors = anchor_centres()

    def detect(self, frame: np.ndarray) -> list[crop.Region]:
        """Regions around the people in `frame`, the likeliest first."""
        whole = crop.whole_frame(frame.shape[1], frame.shape[0])
        out = self._detector(crop.sample(frame, whole, DETECTOR_SIDE) * 2 - 1)
        found = detection.decode(out["Identity"], out["Identity_1"], self._anchors)
        return [detection.body_region(person, whole) for person in found]

    def mark(self, frame: np.ndarray, region: crop.Region) -> landmarks.Landmarks:
        out = self._landmarker(crop.sample(frame, region, landmarks.INPUT_SIDE))
        return landmarks.decode(
            out["Identity"], float(out["Identity_1"][0]), region, out["Identity_3"]
        )
