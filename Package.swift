// swift-tools-version:6.0
// artifactfs: package repositories (apt, PyPI, tarballs) as a FUSE filesystem and over HTTP.
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "artifactfs",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "artifactfs", targets: ["ArtifactCLI"]),
        .executable(name: "artifactfs-bench", targets: ["ArtifactBench"]),
        .executable(name: "artifactfs-fuzz", targets: ["ArtifactFuzz"]),
        .library(name: "Core", targets: ["Core"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CArchive",
            path: "Sources/CArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            path: "Sources/CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CFuse3",
            path: "Sources/CFuse3",
            pkgConfig: "fuse3",
            providers: [.apt(["libfuse3-dev"])]
        ),
        .systemLibrary(
            name: "CGPGME",
            path: "Sources/CGPGME",
            pkgConfig: "gpgme",
            providers: [.apt(["libgpgme-dev"])]
        ),
        .systemLibrary(
            name: "CLZMA",
            path: "Sources/CLZMA",
            pkgConfig: "liblzma",
            providers: [.apt(["liblzma-dev"])]
        ),
        .target(name: "CLinux", path: "Sources/CLinux"),
        .systemLibrary(name: "CLibFuzzer", path: "Sources/CLibFuzzer"),
        .target(
            name: "Core",
            dependencies: [
                "CArchive",
                "CCurl",
                "CGPGME",
                "CLinux",
                "CLZMA",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "CoreTesting",
            dependencies: ["Core", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(
            name: "ArtifactHTTP",
            dependencies: [
                "Core",
                .product(name: "Hummingbird", package: "hummingbird"),
                // The connection handlers wrap HummingbirdCore's HTTP1Channel (Connection/GuardedHTTP1Channel).
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ArtifactFS",
            dependencies: ["Core", "CFuse3", .product(name: "Logging", package: "swift-log"),
                           .product(name: "Metrics", package: "swift-metrics")],
            swiftSettings: strict
        ),
        .target(
            name: "ArtifactClient",
            dependencies: ["CCurl"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "ArtifactCLI",
            dependencies: [
                "Core", "ArtifactHTTP", "ArtifactFS", "ArtifactClient", "CLinux",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                // The config file (`serve --config`); only the CLI reads it, Core never sees TOML.
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "ArtifactBench",
            dependencies: ["Core", "ArtifactFS", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // Parser fuzz targets (docs/FUZZING.md); `artifactfs-fuzz` is libFuzzer's harness when built with -DFUZZING.
        .target(name: "ArtifactFuzzing", dependencies: ["Core", "ArtifactHTTP"], swiftSettings: strict),
        .executableTarget(name: "ArtifactFuzz", dependencies: ["ArtifactFuzzing", "CLibFuzzer"], swiftSettings: strict),
        .testTarget(
            name: "CoreTests",
            // GRDB directly: the upgrade test builds a catalogue at an earlier schema version.
            dependencies: ["Core", "CoreTesting", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .testTarget(name: "ArtifactFSTests", dependencies: ["ArtifactFS", "Core", "CoreTesting"], swiftSettings: strict),
        .testTarget(
            name: "ArtifactHTTPTests",
            dependencies: [
                "ArtifactHTTP", "Core", "CoreTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "ArtifactFuzzingTests", dependencies: ["ArtifactFuzzing"], swiftSettings: strict),
        .testTarget(
            name: "ArtifactCLITests",
            dependencies: ["ArtifactCLI", "ArtifactClient", "Core", "CoreTesting"],
            swiftSettings: strict
        ),
    ]
)
