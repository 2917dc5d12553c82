import Testing
import NeuralFields
