using System.IO.Compression;
using Sync.Engine.Stores;
using ZstdSharp;

namespace Sync.Engine.Changes;

/// <summary>How a changeset's NDJSON travels: as stored, or as a client asked (<c>Accept-Encoding</c>).</summary>
public enum ContentCoding
{
    Identity,
    Gzip,
    Zstd,
}

/// <summary>
/// Reads a changeset's parts in order. Parts are compressed NDJSON: zstd (level 1) since compression became the
/// first sync's bound, gzip before — every part is decoded by its own magic number, so changesets written before and
/// runs staged across an upgrade read the same. Concatenated gzip members are one gzip stream and concatenated zstd
/// frames one zstd stream, so parts already in the coding a client asked for are sent as stored.
/// </summary>
public static class ChangesetContent
{
    private static readonly byte[] GzipMagic = [0x1f, 0x8b];
    private static readonly byte[] ZstdMagic = [0x28, 0xb5, 0x2f, 0xfd];

    /// <summary>The zstd level of staged parts and of downloads re-encoded to zstd (1: about gzip's fastest speed, half its size on element lines).</summary>
    public const int Level = 1;

    /// <summary>A zstd stream at <see cref="Level"/> into <paramref name="destination"/>, left open.</summary>
    public static Stream Compress(Stream destination) => new CompressionStream(destination, Level, leaveOpen: true);

    /// <summary>The changeset's NDJSON lines, decoded.</summary>
    public static Stream OpenLines(IBlobStore blobs, ChangesetRecord changeset) => new DecodedParts(blobs, changeset);

    /// <summary>Writes the changeset to <paramref name="destination"/> in <paramref name="coding"/>: parts stored in it pass through, others are re-encoded.</summary>
    public static async Task WriteAsync(IBlobStore blobs, ChangesetRecord changeset, ContentCoding coding, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changeset);
        foreach (string part in changeset.Parts)
        {
            var (stored, raw) = await OpenPartAsync(blobs, changeset, part, cancellationToken).ConfigureAwait(false);
            await using (raw.ConfigureAwait(false))
            {
                if (stored == coding)
                {
                    await raw.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var decoded = Decoder(stored, raw);
                await using (decoded.ConfigureAwait(false))
                {
                    if (coding == ContentCoding.Identity)
                    {
                        await decoded.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    var encoded = coding == ContentCoding.Zstd ? Compress(destination) : new GZipStream(destination, CompressionLevel.Fastest, leaveOpen: true);
                    await using (encoded.ConfigureAwait(false))
                    {
                        await decoded.CopyToAsync(encoded, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    /// <summary>A part's stream, its first bytes read to tell its coding and put back in front.</summary>
    private static async Task<(ContentCoding Coding, Stream Raw)> OpenPartAsync(IBlobStore blobs, ChangesetRecord changeset, string part, CancellationToken cancellationToken)
    {
        var stream = await blobs.OpenReadAsync(part, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Part '{part}' of changeset {changeset.Index} is missing.");
        var head = new byte[ZstdMagic.Length];
        int read = 0;
        while (read < head.Length && await stream.ReadAsync(head.AsMemory(read), cancellationToken).ConfigureAwait(false) is > 0 and var n)
        {
            read += n;
        }

        var coding = head.AsSpan(0, read).StartsWith(ZstdMagic) ? ContentCoding.Zstd
            : head.AsSpan(0, read).StartsWith(GzipMagic) ? ContentCoding.Gzip
            : read == 0 ? ContentCoding.Identity
            : throw new InvalidDataException($"Part '{part}' of changeset {changeset.Index} is neither zstd nor gzip.");
        return (coding, new PrefixedStream(head.AsMemory(0, read), stream));
    }

    private static Stream Decoder(ContentCoding coding, Stream raw) => coding switch
    {
        ContentCoding.Zstd => new DecompressionStream(raw, leaveOpen: true),
        ContentCoding.Gzip => new GZipStream(raw, CompressionMode.Decompress, leaveOpen: true),
        _ => raw,
    };

    /// <summary>The decoded parts one after another.</summary>
    private sealed class DecodedParts(IBlobStore blobs, ChangesetRecord changeset) : ReadOnlyStream
    {
        private int _next;
        private Stream? _raw;
        private Stream? _decoded;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (true)
            {
                if (_decoded is null)
                {
                    if (_next == changeset.Parts.Count)
                    {
                        return 0;
                    }

                    var (coding, raw) = await OpenPartAsync(blobs, changeset, changeset.Parts[_next++], cancellationToken).ConfigureAwait(false);
                    _raw = raw;
                    _decoded = Decoder(coding, raw);
                }

                int read = await _decoded.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read > 0)
                {
                    return read;
                }

                await CloseCurrentAsync().ConfigureAwait(false);
            }
        }

        private async ValueTask CloseCurrentAsync()
        {
            if (_decoded is not null && _decoded != _raw)
            {
                await _decoded.DisposeAsync().ConfigureAwait(false);
            }

            if (_raw is not null)
            {
                await _raw.DisposeAsync().ConfigureAwait(false);
            }

            (_decoded, _raw) = (null, null);
        }

        public override async ValueTask DisposeAsync()
        {
            await CloseCurrentAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                if (_decoded != _raw)
                {
                    _decoded?.Dispose();
                }

                _raw?.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>Bytes already read, then the rest of the stream.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : ReadOnlyStream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_prefix.IsEmpty)
            {
                return await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }

            int count = Math.Min(buffer.Length, _prefix.Length);
            _prefix[..count].CopyTo(buffer);
            _prefix = _prefix[count..];
            return count;
        }

        public override async ValueTask DisposeAsync()
        {
            await rest.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                rest.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>The members a forward-only reading stream needs; reads go through <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>.</summary>
    private abstract class ReadOnlyStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
