import Testing
import MorphableModels
