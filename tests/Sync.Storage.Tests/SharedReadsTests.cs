namespace Sync.Storage.Tests;

[TestClass]
public sealed class SharedReadsTests
{
    [TestMethod]
    [Timeout(30_000, CooperativeCancellation = true)]
    public async Task A_request_never_joins_a_read_already_under_way_but_shares_the_next_one()
    {
        using var source = new GatedSource();
        var reads = new SharedReads<string, int>(source.ReadAsync);

        var first = reads.ReadAsync("k", CancellationToken.None);
        await source.Started(1);
        source.Value = 2; // written after the first read left: the requests from here on must see it
        var later = Enumerable.Range(0, 10).Select(_ => reads.ReadAsync("k", CancellationToken.None)).ToList();
        Assert.AreEqual(1, source.Reads, "requests that come during a read wait for the next one");

        source.Release();
        Assert.AreEqual(1, await first, "the first answer is what the first read found");
        await source.Started(2);
        source.Release();
        CollectionAssert.AreEqual(Enumerable.Repeat(2, 10).ToList(), (await Task.WhenAll(later)).ToList());
        Assert.AreEqual(2, source.Reads, "the ten shared one read");
    }

    [TestMethod]
    [Timeout(30_000, CooperativeCancellation = true)]
    public async Task Without_concurrency_every_request_reads_and_keys_never_share()
    {
        using var source = new GatedSource { Open = true };
        var reads = new SharedReads<string, int>(source.ReadAsync);
        for (int i = 0; i < 5; i++)
        {
            source.Value = i;
            Assert.AreEqual(i, await reads.ReadAsync("k", CancellationToken.None));
        }

        Assert.AreEqual(5, source.Reads);
        source.Open = false;
        var a = reads.ReadAsync("a", CancellationToken.None);
        var b = reads.ReadAsync("b", CancellationToken.None);
        await source.Started(7);
        source.Release();
        source.Release();
        await Task.WhenAll(a, b);
    }

    [TestMethod]
    [Timeout(30_000, CooperativeCancellation = true)]
    public async Task A_failed_read_fails_its_own_requests_only_and_a_request_gone_away_leaves_the_others_waiting()
    {
        using var source = new GatedSource { Value = 3, Fail = true };
        var reads = new SharedReads<string, int>(source.ReadAsync);
        var failing = reads.ReadAsync("k", CancellationToken.None);
        await source.Started(1);
        source.Fail = false;
        using var leaving = new CancellationTokenSource();
        var gone = reads.ReadAsync("k", leaving.Token);
        var staying = reads.ReadAsync("k", CancellationToken.None);

        source.Release();
        await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => failing);
        await leaving.CancelAsync();
        await Assert.ThrowsAsync<OperationCanceledException>(() => gone);

        await source.Started(2);
        source.Release();
        Assert.AreEqual(3, await staying);

        source.Open = true;
        Assert.AreEqual(3, await reads.ReadAsync("k", CancellationToken.None), "the key reads again once idle");
    }

    /// <summary>A value whose reads wait at a gate until the test releases them one by one.</summary>
    private sealed class GatedSource : IDisposable
    {
        private readonly SemaphoreSlim _gate = new(0);
        private int _reads;

        public int Value { get; set; } = 1;

        public bool Open { get; set; }

        public bool Fail { get; set; }

        public int Reads => Volatile.Read(ref _reads);

        public async Task<int> ReadAsync(string key, CancellationToken cancellationToken)
        {
            // What storage holds when the read arrives there is its answer.
            (int value, bool fail) = (Value, Fail);
            Interlocked.Increment(ref _reads);
            if (!Open)
            {
                await _gate.WaitAsync(cancellationToken);
            }

            return fail ? throw new InvalidOperationException("storage said no") : value;
        }

        public void Release() => _gate.Release();

        public void Dispose() => _gate.Dispose();

        public async Task Started(int reads)
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (Reads < reads)
            {
                Assert.IsLessThan(TimeSpan.FromSeconds(10), waited.Elapsed, $"read {reads} never started");
                await Task.Delay(5);
            }
        }
    }
}
