/// TFLite is our own interpreter for TensorFlow Lite flatbuffer models: it reads the `.tflite`
/// file (`FlatBuffer`, `ModelDef`: tensors, buffers, operators, options), plans the graph once
/// (`GraphPlan`) and runs the float operators MediaPipe's face models use on the CPU
/// (`Interpreter`). No TensorFlow code is involved.
public enum TFLiteModule {}
