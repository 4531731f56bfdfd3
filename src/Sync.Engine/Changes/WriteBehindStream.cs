namespace Sync.Engine.Changes;

/// <summary>
/// Gathers writes into blocks and writes each full block to the inner stream on a task of its own while the next one
/// fills (<see cref="BlockHandOff"/>). A compressor writing to a blob stream directly stopped for every block upload,
/// and the element lines queued for it stopped the diff.
/// </summary>
internal sealed class WriteBehindStream(Stream inner, int blockBytes) : Stream
{
    private readonly BlockHandOff _blocks = new(blockBytes);
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
            int count = Math.Min(buffer.Length, blockBytes - _blocks.Used);
            buffer.Span[..count].CopyTo(_blocks.Block.AsSpan(_blocks.Used));
            _blocks.Used += count;
            buffer = buffer[count..];
            if (_blocks.Used == blockBytes)
            {
                await _blocks.HandOffAsync(inner, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_blocks.Used > 0)
        {
            await _blocks.HandOffAsync(inner, cancellationToken).ConfigureAwait(false);
        }

        await _blocks.InFlight.ConfigureAwait(false);
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
            await _blocks.InFlight.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _blocks.Return();
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
