// The apt provider's configuration from the settings (shared by `serve` and a mount-only node).
import Core
import Foundation

extension Settings {
    /// apt publishing settings. Without `public_url`, the install scripts name the listen address when it is fixed
    /// (`listening` is nil for `mount`, whose scripts then carry a placeholder host as before).
    func aptConfiguration(listening address: ListenAddress?) -> AptProvider.Configuration {
        var apt = AptProvider.Configuration()
        apt.validFor = aptValidDays.map { .seconds($0 * 86400) }
        apt.defaultArchitectures = aptArchitectures
        apt.repositories = aptRepositorySettings
        if let publicURL {
            apt.publicURL = publicURL
        } else if let address, address.port != 0 {
            let wildcard = ["0.0.0.0", "::", "*"].contains(address.host)
            let host = wildcard ? ProcessInfo.processInfo.hostName : address.host
            apt.publicURL = "http://\(host.contains(":") ? "[\(host)]" : host):\(address.port)"
        }
        return apt
    }

    /// Key lifetime for repositories created from now on, or nil for keys that never expire.
    var keyExpirySeconds: UInt? { aptKeyExpiryDays.map { UInt($0) * 86400 } }
}
