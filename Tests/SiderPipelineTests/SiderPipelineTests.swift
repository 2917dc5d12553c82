import Testing
import SiderPipeline
