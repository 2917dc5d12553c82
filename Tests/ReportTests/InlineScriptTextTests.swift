import Testing
@testable import Report

/// Text inlined into report.html's scripts cannot close the script element.
struct InlineScriptTextTests {
    @Test func jsonEndTagsAreEscaped() {
        #expect(InlineScriptText.escapingEndTags(#"{"a": "</script><b>", "c": "x</"}"#) == #"{"a": "<\/script><b>", "c": "x<\/"}"#)
        #expect(InlineScriptText.escapingEndTags("é</ü<") == "é<\\/ü<")
        #expect(InlineScriptText.escapingEndTags("") == "")
    }

    @Test func scriptEndTagsInAnyCaseAreEscaped() {
        let js = "a = '</script>'; b = '</SCRIPT >'; c = '</Scrip'; d = '</style>'; e = '</scri"
        #expect(InlineScriptText.escapingScriptEndTags(js)
                == "a = '<\\/script>'; b = '<\\/SCRIPT >'; c = '</Scrip'; d = '</style>'; e = '</scri")
        #expect(!InlineScriptText.escapingScriptEndTags("x</sCrIpT").lowercased().contains("</script"))
    }
}
