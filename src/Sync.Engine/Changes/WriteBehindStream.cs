using System.Buffers;

namespace Sync.Engine.Changes;

/// <summary>
/// Gathers writes into blocks and writes each full block to the inner stream on a task of its own while the next one
/// fills (one block in flight). A blob write stream stages a block inside a write call, so a compressor writing to it
/// directly stopped for every block upload, and the element lines queued for it stopped the diff.
/// </summary>
internal sealed class WriteBehindStream(Stream inner, int blockBytes) : Stream
{
    private byte[] _block = ArrayPool<byte>.Shared.Rent(blockBytes);
    private byte[] _spare = ArrayPool<byte>.Shared.Rent(blockBytes);
    private int _used;
    private Task _inFlight = Task.CompletedTask;
    private bool _disposed;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (buffer.Length > 0)
        {
            int count = Math.Min(buffer.Length, blockBytes - _used);
            buffer.Span[..count].CopyTo(_block.AsSpan(_used));
            _used += count;
            buffer = buffer[count..];
            if (_used == blockBytes)
            {
                await HandOffAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private async Task HandOffAsync(CancellationToken cancellationToken)
    {
        await _inFlight.ConfigureAwait(false); // the spare block is free again
        var full = _block;
        int length = _used;
        (_block, _spare) = (_spare, full);
        _used = 0;
        _inFlight = inner.WriteAsync(full.AsMemory(0, length), cancellationToken).AsTask();
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_used > 0)
        {
            await HandOffAsync(cancellationToken).ConfigureAwait(false);
        }

        await _inFlight.ConfigureAwait(false);
    }

    /// <summary>Writes what is left, waits for the block in flight, then disposes the inner stream (which commits a blob).</summary>
    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await _inFlight.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            ArrayPool<byte>.Shared.Return(_block);
            ArrayPool<byte>.Shared.Return(_spare);
            await inner.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }

    // Only asynchronous writes: the writers that use this stream never write synchronously.
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Flush() => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
