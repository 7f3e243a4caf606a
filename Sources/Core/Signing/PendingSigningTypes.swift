// TEMPORARY until the gpgme layer lands.
public enum KeyAlgorithm: String, Sendable, CaseIterable { case ed25519, rsa4096 }
