// The browse UI's HTTP side: which request gets which page, catalogue reads on the executor, the response.
import Core
import HTTPTypes
import Hummingbird
import NIOCore

/// Serves the overview (`/`, `/<provider>/`), repository pages (`/<provider>/<repo>/`) and package pages
/// (`<package file>?view=package`).
/// `TreeFileServer` calls it after the path resolved and the access check passed, so a private repository's
/// pages need the same covering token as its files.
struct BrowsePages: Sendable {
    let catalogue: BrowseCatalogue
    let executor: BlockingExecutor
    /// A repository's rows while the catalogue is unchanged, so sorting, filtering and paging a large repository
    /// do not read and convert every row again; a 10,000-package repository's rows take a few MiB.
    let views: ChangeTaggedCache<NodeID, BrowseCatalogue.RepositoryView>
    /// The overview's rows by provider ("" for all), before the caller's read access filters them.
    let overviews: ChangeTaggedCache<ByteString, [OverviewPage.Entry]>

    init(repositories: Repositories, executor: BlockingExecutor) {
        catalogue = BrowseCatalogue(repositories: repositories)
        self.executor = executor
        views = ChangeTaggedCache(metadata: repositories.metadata, entryCountMax: 8)
        overviews = ChangeTaggedCache(metadata: repositories.metadata, entryCountMax: ProviderKind.allCases.count + 1)
    }

    /// What `?view=` asks for: the default page of the path, a package page, or the plain directory listing.
    enum View: Sendable, Equatable {
        case standard, package, files

        init(query: String?) {
            let value = query?.split(separator: "&").first { $0.hasPrefix("view=") }?.dropFirst(5)
            switch value {
            case "package": self = .package
            case "files": self = .files
            default: self = .standard
            }
        }
    }

    func repositoryPage(_ entry: TreeEntry, request: Request, caller: Caller) async throws -> Response {
        if request.method == .head { return Self.htmlResponse(nil) }
        let view = try await repositoryView(entry.id)
        let target = Self.target(view.record, dists: view.dists, request: request, caller: caller)
        // A real name makes the example runnable: the project for pip, the file for a tarball download.
        let example = view.record.provider == .tar ? view.rows.first?.filename : view.rows.first?.name
        let page = RepositoryPage(view: view, query: BrowseQuery(query: request.uri.query),
                                  instructions: .repository(target, examplePackage: example))
        return Self.htmlResponse(page.render())
    }

    /// `/` (every provider) or `/<provider>/`: the repositories the caller may read, with their totals.
    func overviewPage(provider: ProviderKind?, request: Request, caller: Caller) async throws -> Response {
        if request.method == .head { return Self.htmlResponse(nil) }
        let key = ByteString(provider?.rawValue ?? "")
        var entries = overviews.lookup(key)
        if entries == nil {
            let tag = overviews.tag(), catalogue = self.catalogue
            let read = try await executor.run { try catalogue.overview(provider: provider) }
            overviews.store(read, for: key, tag: tag)
            entries = read
        }
        let readable = entries!.filter { caller.mayRead($0.record.id) }
        return Self.htmlResponse(OverviewPage(provider: provider, entries: readable).render())
    }

    /// The repository's rows: from the cache while the catalogue is unchanged, else read on the executor.
    private func repositoryView(_ id: NodeID) async throws -> BrowseCatalogue.RepositoryView {
        if let cached = views.lookup(id) { return cached }
        let tag = views.tag(), catalogue = self.catalogue
        let view = try await executor.run { try catalogue.repository(id: id) }
        views.store(view, for: id, tag: tag)
        return view
    }

    func packagePage(_ entry: TreeEntry, request: Request, caller: Caller) async throws -> Response {
        if request.method == .head { return Self.htmlResponse(nil) }
        let catalogue = self.catalogue, id = entry.id
        let view = try await executor.run { try catalogue.package(id: id) }
        let target = Self.target(view.repository, dists: [], request: request, caller: caller)
        let page = PackagePage(view: view, instructions: .package(view.row, target: target))
        return Self.htmlResponse(page.render())
    }

    private static func target(_ record: RepositoryRecord, dists: [(dist: String, components: [String])], request: Request,
                               caller: Caller) -> InstallInstructions.Target {
        InstallInstructions.Target(provider: record.provider, repository: record.name.rawValue, isPrivate: record.isPrivate,
                                   uploadsNeedToken: !caller.access.writesOpen, baseURL: PublicBaseURL.of(request.head),
                                   dists: dists)
    }

    /// Pages change with every upload: browsers must ask again (`no-cache`). The policy keeps scripts to the page's own.
    private static func htmlResponse(_ page: HTML?) -> Response {
        let headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache",
                                   .contentSecurityPolicy: ContentSecurityPolicy.header,
                                   HTTPField.Name("X-Content-Type-Options")!: "nosniff"]
        guard let page else { return Response(status: .ok, headers: headers) }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: page.markup)))
    }
}
