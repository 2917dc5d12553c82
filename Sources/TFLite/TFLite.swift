/// TFLite is our own interpreter for TensorFlow Lite flatbuffer models: it reads the `.tflite`
/// file (tensors, buffers, operators, options) and runs the float operators MediaPipe's face
/// models use on the CPU. No TensorFlow code is involved.
public enum TFLiteModule {}
