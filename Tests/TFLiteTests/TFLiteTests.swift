import Testing
import TFLite
