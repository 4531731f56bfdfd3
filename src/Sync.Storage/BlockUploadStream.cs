using System.Buffers;
using System.Security.Cryptography;
using Azure.Storage;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Sync.Storage;

/// <summary>
/// Writes a block blob block by block: each block is staged with its MD5, computed here, so the service rejects a
/// block damaged in transit; disposing commits the block list, which makes the content current all at once. An
/// asynchronous write of at least a block passes straight through as a block of its own, without a copy (what was
/// gathered before it goes first, as a shorter block); smaller writes are gathered into blocks. A blob of less than a
/// block in all is uploaded in one request at disposal instead (Put Blob, with its MD5).
/// The SDK's own write stream with MD5 validation copies every block into a new array to hash it: 65 MB of large
/// objects a first sync of 1M rows, and two more full collections (docs/benchmarks.md, stop 26).
/// </summary>
internal sealed class BlockUploadStream(BlockBlobClient blob, int blockSize) : Stream
{
    // Every block id of a blob has the same length; a per-stream prefix keeps two writers' uncommitted blocks apart.
    private readonly byte[] _idPrefix = Guid.NewGuid().ToByteArray();
    private readonly List<string> _blockIds = [];
    private byte[]? _buffer;
    private int _used;
    private bool _disposed;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_disposed;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.Length >= blockSize)
        {
            await StageBufferAsync(cancellationToken).ConfigureAwait(false);
            await StageAsync(buffer, cancellationToken).ConfigureAwait(false);
            return;
        }

        while (!buffer.IsEmpty)
        {
            buffer = buffer[Gather(buffer.Span)..];
            if (_used == blockSize)
            {
                await StageBufferAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (!buffer.IsEmpty)
        {
            buffer = buffer[Gather(buffer)..];
            if (_used == blockSize)
            {
                var (id, content, options) = NextBlock(_buffer.AsMemory(0, _used));
                blob.StageBlock(id, content, options);
                _blockIds.Add(id);
                _used = 0;
            }
        }
    }

    /// <summary>Copies as much of <paramref name="data"/> as the block being gathered takes; returns how much.</summary>
    private int Gather(ReadOnlySpan<byte> data)
    {
        _buffer ??= ArrayPool<byte>.Shared.Rent(blockSize);
        int take = Math.Min(data.Length, blockSize - _used);
        data[..take].CopyTo(_buffer.AsSpan(_used));
        _used += take;
        return take;
    }

    /// <summary>Nothing to do: content becomes current when the stream is disposed, as one commit.</summary>
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (_blockIds.Count == 0)
            {
                // Less than a block in all (most blobs of small files): one Put Blob, as current at once as a commit.
                // The SDK computes its MD5 (it refuses a precalculated one on its upload path); less than a block to hash.
                var options = new BlobUploadOptions { TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5 } };
                await blob.UploadAsync(BinaryData.FromBytes(_buffer.AsMemory(0, _used)).ToStream(), options).ConfigureAwait(false);
            }
            else
            {
                await StageBufferAsync(CancellationToken.None).ConfigureAwait(false);
                await blob.CommitBlockListAsync(_blockIds).ConfigureAwait(false);
            }
        }
        finally
        {
            if (_buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null;
            }

            await base.DisposeAsync().ConfigureAwait(false);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    private async Task StageBufferAsync(CancellationToken cancellationToken)
    {
        if (_used == 0)
        {
            return;
        }

        await StageAsync(_buffer.AsMemory(0, _used), cancellationToken).ConfigureAwait(false);
        _used = 0;
    }

    private async Task StageAsync(ReadOnlyMemory<byte> block, CancellationToken cancellationToken)
    {
        var (id, content, options) = NextBlock(block);
        await blob.StageBlockAsync(id, content, options, cancellationToken).ConfigureAwait(false);
        _blockIds.Add(id);
    }

    /// <summary>The next block's id, its content as a stream (no copy), and the options that send its MD5 with it.</summary>
    private (string Id, Stream Content, BlockBlobStageBlockOptions Options) NextBlock(ReadOnlyMemory<byte> block)
    {
        var options = new BlockBlobStageBlockOptions { TransferValidation = Md5Of(block) };
        Span<byte> id = stackalloc byte[20];
        _idPrefix.CopyTo(id);
        BitConverter.TryWriteBytes(id[16..], _blockIds.Count);
        return (Convert.ToBase64String(id), BinaryData.FromBytes(block).ToStream(), options);
    }

    /// <summary>Sends <paramref name="content"/>'s MD5, computed here, for the service to check the bytes against.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Algorithms", Justification = "Content-MD5 is the Blob service's transfer checksum, not a security measure.")]
    private static UploadTransferValidationOptions Md5Of(ReadOnlyMemory<byte> content) =>
        new() { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5, PrecalculatedChecksum = MD5.HashData(content.Span) };
}
