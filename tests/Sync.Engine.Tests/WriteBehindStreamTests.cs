using Sync.Engine.Changes;

namespace Sync.Engine.Tests;

[TestClass]
public sealed class WriteBehindStreamTests
{
    [TestMethod]
    public async Task Writes_arrive_whole_and_in_order_in_full_blocks_with_one_in_flight()
    {
        var inner = new SlowStream();
        var data = new byte[100_000];
        new Random(7).NextBytes(data);
        var stream = new WriteBehindStream(inner, 4096);
        await using (stream.ConfigureAwait(false))
        {
            int at = 0;
            var random = new Random(8);
            while (at < data.Length)
            {
                int count = Math.Min(random.Next(1, 9000), data.Length - at);
                await stream.WriteAsync(data.AsMemory(at, count));
                at += count;
            }
        }

        CollectionAssert.AreEqual(data, inner.Written.ToArray());
        Assert.IsTrue(inner.Writes.SkipLast(1).All(w => w == 4096), "every write but the last is a full block");
        Assert.AreEqual(1, inner.MostInFlight, "one block in flight at a time");
        Assert.IsTrue(inner.Disposed, "disposing disposes the inner stream, which commits a blob");
    }

    [TestMethod]
    public async Task A_failed_block_write_surfaces_on_a_later_write_or_on_disposal()
    {
        var failing = new SlowStream { FailAfter = 1 };
        var stream = new WriteBehindStream(failing, 1024);
        var failure = await Assert.ThrowsExactlyAsync<IOException>(async () =>
        {
            for (int i = 0; i < 10; i++)
            {
                await stream.WriteAsync(new byte[1024]);
            }
        });
        Assert.AreEqual("storage went away", failure.Message);
        await Assert.ThrowsExactlyAsync<IOException>(async () => await stream.DisposeAsync());
        Assert.IsTrue(failing.Disposed);

        var late = new SlowStream { FailAfter = 0 };
        var quiet = new WriteBehindStream(late, 1024);
        await quiet.WriteAsync(new byte[10]);
        await Assert.ThrowsExactlyAsync<IOException>(async () => await quiet.DisposeAsync(), "the last partial block fails on disposal");
    }

    private sealed class SlowStream : Stream
    {
        private int _inFlight;

        public MemoryStream Written { get; } = new();

        public List<int> Writes { get; } = [];

        public int MostInFlight { get; private set; }

        public int FailAfter { get; init; } = int.MaxValue;

        public bool Disposed { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written.Length;

        public override long Position { get => Written.Position; set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            MostInFlight = Math.Max(MostInFlight, Interlocked.Increment(ref _inFlight));
            await Task.Delay(2, cancellationToken);
            Interlocked.Decrement(ref _inFlight);
            if (Writes.Count >= FailAfter)
            {
                throw new IOException("storage went away");
            }

            Writes.Add(buffer.Length);
            Written.Write(buffer.Span);
        }

        public override ValueTask DisposeAsync()
        {
            Disposed = true;
            return base.DisposeAsync();
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
