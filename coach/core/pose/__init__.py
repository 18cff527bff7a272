"""BlazePose's pre- and post-processing in numpy. The two networks run in an adapter;
everything around them (anchors, boxes, the rotated crop, landmarks) is pure, tested on arrays."""
