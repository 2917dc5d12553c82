import Testing
import Landmarks
