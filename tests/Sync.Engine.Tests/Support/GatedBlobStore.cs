using Sync.Engine.Stores;

namespace Sync.Engine.Tests.Support;

/// <summary>
/// The real blob store, with reads held back after their first <paramref name="openBytes"/> bytes until
/// <see cref="Release"/>: a test can then look at a reader while it is provably part-way through a blob.
/// Only the blobs <paramref name="gates"/> names are held back (all when null).
/// </summary>
internal sealed class GatedBlobStore(IBlobStore inner, int openBytes, Func<string, bool>? gates = null) : IBlobStore
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _released.TrySetResult();

    public Task<Stream> OpenWriteAsync(string name, CancellationToken cancellationToken) => inner.OpenWriteAsync(name, cancellationToken);

    public async Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken) =>
        await inner.OpenReadAsync(name, cancellationToken).ConfigureAwait(false) is { } stream
            ? gates is null || gates(name) ? new GatedStream(stream, openBytes, _released.Task) : stream
            : null;

    public Task<long?> GetSizeAsync(string name, CancellationToken cancellationToken) => inner.GetSizeAsync(name, cancellationToken);

    public Task DeleteIfExistsAsync(string name, CancellationToken cancellationToken) => inner.DeleteIfExistsAsync(name, cancellationToken);

    public Task<int> DeleteByPrefixAsync(string prefix, CancellationToken cancellationToken) => inner.DeleteByPrefixAsync(prefix, cancellationToken);

    private sealed class GatedStream(Stream inner, int openBytes, Task released) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_read >= openBytes)
            {
                await released.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (_read + buffer.Length > openBytes)
            {
                buffer = buffer[..(int)(openBytes - _read)];
            }

            int read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            _read += read;
            return read;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read asynchronously.");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }
}
