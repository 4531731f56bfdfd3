using System.Buffers;
using System.IO.Hashing;
using System.Threading.Channels;
using Sync.Engine.Elements;

namespace Sync.Engine.Changes;

/// <summary>
/// Writes element operations as compressed NDJSON (zstd frames, <see cref="FrameCompressor"/>), one operation a line, and hashes the
/// uncompressed bytes so the content of a changeset has an identity independent of the compressor.
/// Lines are gathered into blocks that a background task hashes, compresses and writes, so compression and
/// upload run on the other core while the connector parses.
/// Lines: <c>{"op":"insert"|"update","id","checksum","element":{…}}</c>, <c>{"op":"delete","id","sourceFileId"}</c>,
/// <c>{"op":"schema","class","properties":{name:type}}</c>.
/// </summary>
public sealed class ChangeLineWriter : IAsyncDisposable
{
    /// <summary>Lines handed to the compressor at a time, each block one zstd frame (<see cref="FrameCompressor"/>).</summary>
    private const int BlockSize = 1024 * 1024;

    /// <summary>Compressed bytes handed to the destination at a time: the blob client's block.</summary>
    private const int UploadBlockSize = 4 * 1024 * 1024;
    private readonly CompactJsonWriter _line = new(4096);
    private readonly Channel<(byte[] Block, int Length)> _blocks = Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
    private readonly Task _consumer;
    private readonly CountingStream _destination;
    private byte[] _block = ArrayPool<byte>.Shared.Rent(BlockSize);
    private int _used;
    private string? _contentHash;
    private bool _disposed;

    public ChangeLineWriter(Stream destination)
    {
        _destination = new CountingStream(new WriteBehindStream(destination, UploadBlockSize));
        _consumer = Task.Run(ConsumeAsync);
    }

    /// <summary>
    /// XxHash128 (hex) of the uncompressed NDJSON; available after disposal. An identity, not a defence: the changeset id
    /// hashes these with SHA-1. SHA-1 over the lines themselves was a tenth of a first sync's CPU.
    /// </summary>
    public string ContentHash => _contentHash ?? throw new InvalidOperationException("The writer has not been completed.");

    /// <summary>Bytes written to the destination (compressed); final after disposal.</summary>
    public long CompressedBytes => _destination.Written;

    public ValueTask WriteElementAsync(string op, long id, UInt128 checksum, ReadOnlyMemory<byte> elementJson, CancellationToken cancellationToken)
    {
        _line.Clear();
        FormatElement(_line, op, id, checksum, elementJson.Span);
        return AppendAsync(cancellationToken);
    }

    /// <summary>Appends the line of an insert or update, line feed included, to <paramref name="into"/>: what <see cref="WriteLineAsync"/> takes.</summary>
    public static void FormatElement(CompactJsonWriter into, string op, long id, UInt128 checksum, ReadOnlySpan<byte> elementJson)
    {
        ArgumentNullException.ThrowIfNull(into);
        into.Raw("{\"op\":"u8);
        into.StringValue(op);
        into.Raw(",\"id\":"u8);
        into.ElementIdString(id);
        into.Raw(",\"checksum\":"u8);
        into.Hex128String(checksum);
        into.Raw(",\"element\":"u8);
        into.Raw(elementJson);
        into.Raw("}\n"u8);
    }

    /// <summary>Writes one whole line made by <see cref="FormatElement"/>.</summary>
    public ValueTask WriteLineAsync(ReadOnlySpan<byte> line, CancellationToken cancellationToken)
    {
        if (TryAppend(line))
        {
            return ValueTask.CompletedTask;
        }

        _line.Clear();
        _line.Raw(line);
        return HandOffAndAppendAsync(cancellationToken);
    }

    public ValueTask WriteDeleteAsync(long id, string sourceFileId, CancellationToken cancellationToken)
    {
        var line = Begin("delete");
        line.Raw(",\"id\":"u8);
        line.ElementIdString(id);
        line.Raw(",\"sourceFileId\":"u8);
        line.StringValue(sourceFileId);
        return EndAsync(cancellationToken);
    }

    public ValueTask WriteSchemaAsync(string className, IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var line = Begin("schema");
        line.Raw(",\"class\":"u8);
        line.StringValue(className);
        line.Raw(",\"properties\":{"u8);
        bool first = true;
        foreach (var (name, type) in properties.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!first)
            {
                line.Raw((byte)',');
            }

            first = false;
            line.StringValue(name);
            line.Raw((byte)':');
            line.StringValue(type);
        }

        line.Raw((byte)'}');
        return EndAsync(cancellationToken);
    }

    private CompactJsonWriter Begin(string op)
    {
        _line.Clear();
        _line.Raw("{\"op\":"u8);
        _line.StringValue(op);
        return _line;
    }

    private ValueTask EndAsync(CancellationToken cancellationToken)
    {
        _line.Raw("}\n"u8);
        return AppendAsync(cancellationToken);
    }

    /// <summary>Appends the line in <see cref="_line"/> to the block, handing a full block over first.</summary>
    private ValueTask AppendAsync(CancellationToken cancellationToken) =>
        TryAppend(_line.Written) ? ValueTask.CompletedTask : HandOffAndAppendAsync(cancellationToken);

    private bool TryAppend(ReadOnlySpan<byte> line)
    {
        if (_used + line.Length > _block.Length)
        {
            return false;
        }

        line.CopyTo(_block.AsSpan(_used));
        _used += line.Length;
        return true;
    }

    private async ValueTask HandOffAndAppendAsync(CancellationToken cancellationToken)
    {
        await HandOffAsync(cancellationToken).ConfigureAwait(false);
        int length = _line.Written.Length;
        if (length > _block.Length)
        {
            ArrayPool<byte>.Shared.Return(_block);
            _block = ArrayPool<byte>.Shared.Rent(length);
        }

        _line.Written.CopyTo(_block);
        _used = length;
    }

    private async ValueTask HandOffAsync(CancellationToken cancellationToken)
    {
        if (_used == 0)
        {
            return;
        }

        if (_consumer.IsFaulted)
        {
            await _consumer.ConfigureAwait(false);
        }

        try
        {
            await _blocks.Writer.WriteAsync((_block, _used), cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // The consumer failed and closed the channel: surface its error, not the closed channel.
            await _consumer.ConfigureAwait(false);
            throw;
        }

        _block = ArrayPool<byte>.Shared.Rent(BlockSize);
        _used = 0;
    }

    private async Task ConsumeAsync()
    {
        var hash = new XxHash128();
        using var frames = new FrameCompressor();
        bool any = false;
        try
        {
            await foreach (var (block, length) in _blocks.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                hash.Append(block.AsSpan(0, length));
                await _destination.WriteAsync(frames.Compress(block.AsSpan(0, length))).ConfigureAwait(false);
                ArrayPool<byte>.Shared.Return(block);
                any = true;
            }

            if (!any)
            {
                // An empty part is still one (empty) zstd frame, so every part a writer makes has the same coding.
                await _destination.WriteAsync(frames.Compress([])).ConfigureAwait(false);
            }
        }
        catch
        {
            // Stop the producer at its next hand-off.
            _blocks.Writer.TryComplete();
            throw;
        }

        _contentHash = Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await HandOffAsync(CancellationToken.None).ConfigureAwait(false);
            _blocks.Writer.TryComplete();
            await _consumer.ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(_block);
            await _destination.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Counts the compressed bytes on their way to the destination, and closes it.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long Written { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            Written += count;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            Written += buffer.Length;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
