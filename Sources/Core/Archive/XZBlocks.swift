// xz streams assembled from independently compressed blocks (liblzma), so unchanged blocks can be reused.
import CLZMA

/// One xz block: its bytes (header, compressed data, padding, check) and what the stream index records.
public struct XZBlock: Sendable, Equatable {
    public let bytes: [UInt8]
    let unpaddedSize: UInt64
    let uncompressedSize: UInt64
}

/// Builds single xz streams out of blocks. A reader sees one ordinary stream (apt's decoder stops after
/// the first stream of a concatenation, so concatenating whole streams would not do).
public enum XZBlocks {
    static let check = LZMA_CHECK_CRC64

    /// Compresses `plain` into one block with LZMA2 at `preset`, the dictionary no larger than the input.
    public static func block(_ plain: [UInt8], preset: UInt32 = 6) throws(ArchiveError) -> XZBlock {
        var options = lzma_options_lzma()
        guard lzma_lzma_preset(&options, preset) == 0 else { throw ArchiveError("xz: unsupported preset \(preset)") }
        // A large dictionary only costs set-up time on a small block.
        var dictionary = cfs_lzma_dict_size_min
        while dictionary < options.dict_size, Int(dictionary) < plain.count { dictionary *= 2 }
        options.dict_size = dictionary
        let bound = lzma_block_buffer_bound(plain.count)
        var output = [UInt8](repeating: 0, count: bound)
        var written = 0
        var block = lzma_block()
        let status = withUnsafeMutablePointer(to: &options) { optionsPointer -> lzma_ret in
            var filters = [lzma_filter(id: cfs_lzma_filter_lzma2, options: UnsafeMutableRawPointer(optionsPointer)),
                           lzma_filter(id: cfs_lzma_vli_unknown, options: nil)]
            return filters.withUnsafeMutableBufferPointer { filtersPointer in
                block.version = 0
                block.check = check
                block.filters = filtersPointer.baseAddress
                return plain.withUnsafeBufferPointer { input in
                    output.withUnsafeMutableBufferPointer { out in
                        lzma_block_buffer_encode(&block, nil, input.baseAddress, input.count, out.baseAddress, &written, out.count)
                    }
                }
            }
        }
        block.filters = nil // pointed into the closure above
        guard status == LZMA_OK else { throw ArchiveError("xz: block compression failed (\(status.rawValue))") }
        return XZBlock(bytes: Array(output.prefix(written)), unpaddedSize: lzma_block_unpadded_size(&block),
                       uncompressedSize: block.uncompressed_size)
    }

    /// One xz stream: header, the blocks in order, their index, footer.
    public static func stream(_ blocks: [XZBlock]) throws(ArchiveError) -> [UInt8] {
        var flags = lzma_stream_flags()
        flags.version = 0
        flags.check = check
        var header = [UInt8](repeating: 0, count: Int(LZMA_STREAM_HEADER_SIZE))
        guard lzma_stream_header_encode(&flags, &header) == LZMA_OK else { throw ArchiveError("xz: stream header failed") }
        guard let index = lzma_index_init(nil) else { throw ArchiveError("xz: out of memory") }
        defer { lzma_index_end(index, nil) }
        for block in blocks {
            guard lzma_index_append(index, nil, block.unpaddedSize, block.uncompressedSize) == LZMA_OK else {
                throw ArchiveError("xz: index append failed")
            }
        }
        let indexSize = Int(lzma_index_size(index))
        var indexBytes = [UInt8](repeating: 0, count: indexSize)
        var written = 0
        guard lzma_index_buffer_encode(index, &indexBytes, &written, indexSize) == LZMA_OK else { throw ArchiveError("xz: index failed") }
        flags.backward_size = lzma_vli(indexSize)
        var footer = [UInt8](repeating: 0, count: Int(LZMA_STREAM_HEADER_SIZE))
        guard lzma_stream_footer_encode(&flags, &footer) == LZMA_OK else { throw ArchiveError("xz: stream footer failed") }
        var stream = header
        stream.reserveCapacity(blocks.reduce(header.count * 2 + indexSize) { $0 + $1.bytes.count })
        for block in blocks { stream += block.bytes }
        return stream + indexBytes + footer
    }
}
