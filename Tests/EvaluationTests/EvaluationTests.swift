import Testing
import Evaluation
