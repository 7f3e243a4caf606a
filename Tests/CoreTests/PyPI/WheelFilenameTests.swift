// Distribution file names: PEP 427 wheel names split into tags, and sdist names checked against PKG-INFO.
import Core
import Testing

extension PyPITests {
    @Suite struct WheelFilenameTests {
        // Goal: the common shape splits into distribution, version and one tag each.
        @Test func splitsPureWheel() throws {
            let name = try WheelFilename("demo-1.0-py3-none-any.whl")
            #expect(name.distribution == "demo")
            #expect(name.version == "1.0")
            #expect(name.buildTag == nil)
            #expect(name.pythonTags == ["py3"])
            #expect(name.abiTags == ["none"])
            #expect(name.platformTags == ["any"])
            #expect(name.pythonTagText == "py3")
            #expect(name.parsedVersion == (try PEP440Version("1.0")))
        }

        // Goal: compressed tag sets split on '.', and the python tag text stays as written.
        @Test func splitsCompressedTagSets() throws {
            let numpy = try WheelFilename("numpy-2.0.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
            #expect(numpy.platformTags == ["manylinux_2_17_x86_64", "manylinux2014_x86_64"])
            #expect(numpy.pythonTags == ["cp311"])
            #expect(numpy.abiTags == ["cp311"])
            let six = try WheelFilename("six-1.16.0-py2.py3-none-any.whl")
            #expect(six.pythonTags == ["py2", "py3"])
            #expect(six.pythonTagText == "py2.py3")
        }

        // Goal: a sixth part is the build tag, which must start with a digit.
        @Test func readsBuildTag() throws {
            #expect(try WheelFilename("demo-1.0-1-py3-none-any.whl").buildTag == "1")
            #expect(try WheelFilename("demo-1.0-20abc-py3-none-any.whl").buildTag == "20abc")
            #expect(try WheelFilename("demo-1.0-1-py3-none-any.whl").pythonTags == ["py3"])
        }

        // Goal: tag sets split on every '.' code point, even one a combining mark follows (found by fuzzing).
        @Test func splitsByCodePoint() throws {
            let name = try WheelFilename("demo-1.0-py3-none-any.\u{301}x.whl")
            #expect(name.platformTags == ["any", "\u{301}x"])
        }

        // Goal: old spellings of the distribution are kept as written and compare by their normalized name.
        @Test func keepsOldDistributionSpellings() throws {
            let django = try WheelFilename("Django-4.2-py3-none-any.whl")
            #expect(django.distribution == "Django")
            #expect(django.project == (try PythonProjectName("django")))
            #expect(try WheelFilename("zope.interface-6.0-cp311-cp311-win_amd64.whl").project.normalized == "zope-interface")
            #expect(try WheelFilename("foo_bar-1.0-py3-none-any.whl").project.normalized == "foo-bar")
        }

        static let invalid: [(String, String)] = [
            ("demo-1.0-py3-none.whl", "found 4"), ("demo-1.0-1-x-py3-none-any.whl", "found 7"),
            ("demo--1.0-py3-none-any.whl", "is empty"), ("demo-1.0-py3--any.whl", "is empty"),
            ("demo-one-py3-none-any.whl", "invalid version 'one'"), ("demo-1.0-py3-none-any.zip", "must end in .whl"),
            ("demo-1.0-py3-none-any", "must end in .whl"), ("demo-1.0-x1-py3-none-any.whl", "must start with a digit"),
            (".demo-1.0-py3-none-any.whl", "invalid project name"), ("demo-1.0-py2..py3-none-any.whl", "empty tag"),
            ("de__mo-1.0-py3-none-any.whl", "'__'"), (".whl", "found 1"),
            // Found by fuzzing: '-' after a prepended mark (U+0600), or before a combining mark, was no separator
            // while the name was split by grapheme cluster, so a tag held a '-'.
            ("demo-1.0-py3-none-any\u{600}-x.whl", "build tag 'py3' must start with a digit"),
            ("demo-1.0-1-py3-none-any-\u{301}.whl", "found 7"),
        ]

        // Goal: each malformed name is refused, and the message quotes the file name and the broken rule.
        @Test(arguments: invalid)
        func refuses(filename: String, fragment: String) {
            #expect {
                _ = try WheelFilename(filename)
            } throws: { error in
                let message = (error as? PythonPackageError)?.message ?? ""
                // Quoted as `IdentifierError.printable` shows it: invisible characters (U+0600) as `\u{0600}`.
                let quoted = IdentifierError.printable(filename)
                return message.hasPrefix("invalid wheel file name '\(quoted)'") && message.contains(fragment)
            }
        }

        // Goal: only .tar.gz and .zip are sdist formats.
        @Test func sdistFormats() {
            #expect(SdistFilename.format(of: "demo-1.0.tar.gz") == .tarGzip)
            #expect(SdistFilename.format(of: "demo-1.0.zip") == .zip)
            #expect(SdistFilename.format(of: "demo-1.0.tgz") == nil)
            #expect(SdistFilename.format(of: "demo-1.0.tar.bz2") == nil)
            #expect(SdistFilename.format(of: ".tar.gz") == nil)
        }

        static let matchingSdists: [(String, String, String)] = [
            ("python-dateutil-2.8.2.tar.gz", "python-dateutil", "2.8.2"), ("python_dateutil-2.8.2.tar.gz", "python-dateutil", "2.8.2"),
            ("Foo.Bar-1.0.zip", "foo-bar", "1.0"), ("foo-1.0.0.tar.gz", "foo", "1.0"), ("foo-1.0-1.tar.gz", "foo", "1.0.post1"),
            ("my-tool-2.0-rc1.tar.gz", "my-tool", "2.0rc1"), ("demo-1!2.0+local.1.zip", "demo", "1!2.0+local-1"),
        ]

        // Goal: legacy and PEP 625 sdist names match the project and version PKG-INFO states, at whichever '-'.
        @Test(arguments: matchingSdists)
        func acceptsSdistName(filename: String, project: String, version: String) throws {
            try SdistFilename.check(filename, project: PythonProjectName(project), version: PEP440Version(version))
        }

        static let mismatchedSdists: [(String, String, String, String)] = [
            ("foo-1.1.tar.gz", "foo", "1.0", "the file name says version '1.1' but PKG-INFO says '1.0' (expected 'foo-1.0.tar.gz')"),
            ("bar-1.0.tar.gz", "foo", "1.0", "does not start with project 'foo'"),
            ("foo.tar.gz", "foo", "1.0", "does not start with project 'foo'"),
            ("foo-1.0.tgz", "foo", "1.0", "must end in .tar.gz or .zip"),
            ("python-dateutil-2.8.2.tar.gz", "python", "2.8.2", "says version 'dateutil-2.8.2' but PKG-INFO says '2.8.2'"),
            ("Foo.Bar-1.0.tar.gz", "foo-baz", "1.0", "expected 'foo_baz-1.0.tar.gz'"),
        ]

        // Goal: a name that disagrees with PKG-INFO is refused, saying what differs and what was expected.
        @Test(arguments: mismatchedSdists)
        func refusesSdistName(filename: String, project: String, version: String, fragment: String) throws {
            let project = try PythonProjectName(project), version = try PEP440Version(version)
            #expect {
                try SdistFilename.check(filename, project: project, version: version)
            } throws: { error in
                (error as? PythonPackageError)?.message.contains(fragment) == true
            }
        }
    }
}
