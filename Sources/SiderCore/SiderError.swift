/// The error every stage throws for bad input or a failed computation.
///
/// `description` is a single line meant for the user: it says what is wrong and, where it
/// helps, what to do (e.g. "run scripts/setup"). The CLI prints it and exits non-zero.
public struct SiderError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: String, Sendable {
        case badInput        // the user's file is not what it should be
        case missingFile     // a file that should exist does not
        case badModel        // a model file is damaged or of the wrong kind
        case noFace          // detection found nothing
        case unsupported     // a valid input we do not handle (e.g. a TFLite operator)
        case numerical       // NaN/Inf or a diverged optimisation
        case io              // reading or writing failed
    }
    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        // Keep it one line, whatever the caller passed.
        self.message = message.replacingOccurrences(of: "\n", with: " ")
    }

    public var description: String { message }
}
