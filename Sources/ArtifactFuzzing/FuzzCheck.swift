// The one way a fuzz target reports a broken property: a crash with a message libFuzzer prints.

/// `fatalError` rather than `precondition`: an optimized build drops a precondition's message, and the
/// message is what tells a finding's reader which property broke.
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("fuzz property violated: \(message())") }
}

/// Sign of a three-way comparison result, so results from different comparators can be compared.
func sign(_ value: Int) -> Int { value < 0 ? -1 : (value > 0 ? 1 : 0) }
