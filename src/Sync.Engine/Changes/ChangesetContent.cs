using Sync.Engine.Stores;

namespace Sync.Engine.Changes;

/// <summary>Reads a changeset's parts as one gzip stream (concatenated gzip members are one valid gzip stream).</summary>
public static class ChangesetContent
{
    public static Stream Open(IBlobStore blobs, ChangesetRecord changeset) => new PartsStream(blobs, changeset);

    private sealed class PartsStream(IBlobStore blobs, ChangesetRecord changeset) : Stream
    {
        private int _next;
        private Stream? _current;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (true)
            {
                if (_current is null)
                {
                    if (_next == changeset.Parts.Count)
                    {
                        return 0;
                    }

                    string part = changeset.Parts[_next++];
                    _current = await blobs.OpenReadAsync(part, cancellationToken).ConfigureAwait(false)
                        ?? throw new InvalidOperationException($"Part '{part}' of changeset {changeset.Index} is missing.");
                }

                int read = await _current.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read > 0)
                {
                    return read;
                }

                await _current.DisposeAsync().ConfigureAwait(false);
                _current = null;
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask DisposeAsync()
        {
            if (_current is not null)
            {
                await _current.DisposeAsync().ConfigureAwait(false);
            }

            await base.DisposeAsync().ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _current?.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
