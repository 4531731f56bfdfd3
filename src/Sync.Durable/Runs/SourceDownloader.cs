using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Polly;
using Polly.Retry;
using Sync.Durable.Downloads;
using Sync.Engine.Changes;

namespace Sync.Durable.Runs;

/// <summary>
/// Reads manifest files from their pre-authenticated URLs: streams each download to a temporary file while hashing
/// it (the hash is the file's version marker, since URLs change every run), then synchronizes from that file.
/// - A transient fault (408, 429, 5xx, a network fault, a server that stalls or cuts its body short) is retried with
///   jittered exponential backoff, or after the server's <c>Retry-After</c>, and counted; when retries run out, or on
///   a 4xx, a refused address or a file over the size limit, the file gets a <c>file_access</c> task error.
/// - The ETag a URL answered with is committed with the file; the next run asks with <c>If-None-Match</c>, and a
///   304 skips the file without downloading it (Azure Blob SAS URLs honour this).
/// </summary>
public sealed class SourceDownloader(HttpClient http, DownloadOptions options)
{
    private const int BufferSize = 1 << 18;

    private readonly ResiliencePipeline<Attempt> _retries = new ResiliencePipelineBuilder<Attempt>()
        .AddRetry(new RetryStrategyOptions<Attempt>
        {
            MaxRetryAttempts = Math.Max(1, options.Retries),
            Delay = options.RetryDelay,
            MaxDelay = options.MaxRetryDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = args => ValueTask.FromResult(options.Retries > 0 && args.Outcome.Result is { Transient: not null }),
            DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter is { } after
                ? (TimeSpan?)(after < options.MaxRetryDelay ? after : options.MaxRetryDelay)
                : null),
        })
        .Build();

    /// <summary>The downloader of every manifest file: <see cref="SafeHttp"/>'s client under <paramref name="options"/>.</summary>
    public static SourceDownloader Create(DownloadOptions options) => new(SafeHttp.CreateClient(options), options);

    /// <summary>Downloads the work's file (and its companions) and synchronizes it; also says how many retries the downloads took.</summary>
    public async Task<(FileSyncResult Result, int Retries)> SynchronizeAsync(FileSynchronizer synchronizer, FileWork work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(synchronizer);
        ArgumentNullException.ThrowIfNull(work);
        using var session = new Session();
        // Companions join the marker by their own hashes, so only a file without them can be skipped on its ETag.
        bool conditional = work.Companions is not { Count: > 0 };
        string location = Location(work.Url!);
        var validator = conditional ? (await synchronizer.CommittedAsync(work.IModelId, work.SourceFileId, cancellationToken).ConfigureAwait(false))?.Validator : null;
        if (validator?.Location != location)
        {
            validator = null;
        }

        var main = await FetchAsync(session, work.Url!, work.FileName, validator?.ETag, cancellationToken).ConfigureAwait(false);
        if (main.Failure is not null)
        {
            return (main.Failure, session.Retries);
        }

        Func<CancellationToken, Task<Stream>> open;
        string marker;
        if (main.NotModified)
        {
            // Unchanged at the source: its committed marker stands for its bytes. Were it read after all (a new
            // connector version, other settings), it is downloaded then.
            marker = validator!.ContentMarker;
            open = async token =>
            {
                var fetched = await FetchAsync(session, work.Url!, work.FileName, ifNoneMatch: null, token).ConfigureAwait(false);
                return fetched.Path is { } path ? Open(path) : throw new HttpRequestException(fetched.Failure?.Error?.Description ?? $"'{work.FileName}' could not be downloaded.");
            };
        }
        else
        {
            marker = main.Marker!;
            open = _ => Task.FromResult<Stream>(Open(main.Path!));
            validator = conditional && main.ETag is { } etag ? new SourceValidator(etag, marker, location) : null;
        }

        var companions = new Dictionary<string, Func<CancellationToken, Task<Stream>>>(StringComparer.OrdinalIgnoreCase);
        foreach (var companion in (work.Companions ?? []).OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            var fetched = await FetchAsync(session, companion.Url, companion.Name, ifNoneMatch: null, cancellationToken).ConfigureAwait(false);
            if (fetched.Failure is not null)
            {
                return (fetched.Failure, session.Retries);
            }

            companions[companion.Name] = _ => Task.FromResult<Stream>(Open(fetched.Path!));
            marker += $";{companion.Name}={fetched.Marker}";
        }

        var request = new FileSyncRequest(work.IModelId, work.RunId, work.SourceFileId, work.FileName, work.ConnectorType, marker, open, work.Settings)
        {
            Document = work.Document,
            ParentSourceFileId = work.ParentSourceFileId,
            IsSpatialRoot = work.IsSpatialRoot,
            Companions = companions.Count > 0 ? companions : null,
            Validator = validator,
        };
        return (await synchronizer.SynchronizeAsync(request, cancellationToken).ConfigureAwait(false), session.Retries);
    }

    /// <summary>
    /// Downloads one URL the way a run does (guarded, retried, hashed) into a temporary file that the caller deletes:
    /// its path and "sha256:…" marker, or the reason it failed; and the retries it took.
    /// </summary>
    public async Task<(string? Path, string? Marker, string? Error, int Retries)> DownloadAsync(string url, string name, CancellationToken cancellationToken)
    {
        using var session = new Session();
        var fetched = await FetchAsync(session, url, name, ifNoneMatch: null, cancellationToken).ConfigureAwait(false);
        if (fetched.Path is { } path)
        {
            session.Keep(path);
        }

        return (fetched.Path, fetched.Marker, fetched.Failure?.Error?.Description, session.Retries);
    }

    /// <summary>One URL, retried while its faults are transient: a downloaded file, "not modified", or the file's task error.</summary>
    private async Task<Fetched> FetchAsync(Session session, string url, string name, string? ifNoneMatch, CancellationToken cancellationToken)
    {
        Uri uri;
        try
        {
            uri = SafeHttp.Check(url, options);
        }
        catch (UnsafeUrlException e)
        {
            return Fetched.Failed(Fail($"'{name}' was not downloaded: {e.Message}"));
        }

        int attempts = 0;
        var last = await _retries.ExecuteAsync(
            async token =>
            {
                if (++attempts > 1)
                {
                    session.Retries++;
                }

                return await AttemptAsync(session, uri, name, ifNoneMatch, token).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return last.Transient is { } reason
            ? Fetched.Failed(Fail($"'{name}' could not be downloaded after {attempts} attempt{(attempts == 1 ? "" : "s")}: {reason}. The next run tries again."))
            : last.Fetched!;
    }

    private async Task<Attempt> AttemptAsync(Session session, Uri uri, string name, string? ifNoneMatch, CancellationToken cancellationToken)
    {
        // One timer bounds every wait on the server: for its answer, then for each piece of the body.
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(options.ReadTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        string? path = null;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, patience.Token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.NotModified && ifNoneMatch is not null)
            {
                return Attempt.Done(Fetched.Unchanged);
            }

            if (status is 408 or 429 or >= 500)
            {
                return Attempt.Retry($"the server answered {status} {response.ReasonPhrase}", RetryAfter(response.Headers.RetryAfter));
            }

            if (!response.IsSuccessStatusCode)
            {
                return Attempt.Done(Fetched.Failed(Fail($"The URL of '{name}' answered {status} {response.StatusCode}. Send a valid pre-authenticated URL with the next run.")));
            }

            if (response.Content.Headers.ContentLength > options.MaxBytes)
            {
                return Attempt.Done(Fetched.Failed(Fail(TooLarge(name))));
            }

            path = session.NewFile();
            await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using var body = await response.Content.ReadAsStreamAsync(patience.Token).ConfigureAwait(false);
            // Two buffers: a piece is written to disk while it is hashed and the next one is read.
            byte[][] buffers = [new byte[BufferSize], new byte[BufferSize]];
            var writing = Task.CompletedTask;
            long total = 0;
            try
            {
                for (int piece = 0; ; piece++)
                {
                    var buffer = buffers[piece & 1];
                    patience.CancelAfter(options.ReadTimeout);
                    int read = await body.ReadAsync(buffer, patience.Token).ConfigureAwait(false);
                    await writing.ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    total += read;
                    if (total > options.MaxBytes)
                    {
                        return Attempt.Done(Fetched.Failed(Fail(TooLarge(name))));
                    }

                    writing = file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).AsTask();
                    sha.AppendData(buffer, 0, read);
                }
            }
            finally
            {
                // Never leave a write running into a file that is being closed.
                await writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            var fetched = new Fetched(path, "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset()), response.Headers.ETag?.ToString(), false, null);
            path = null;
            return Attempt.Done(fetched);
        }
        catch (HttpRequestException e) when (e.InnerException is UnsafeUrlException refused)
        {
            return Attempt.Done(Fetched.Failed(Fail($"'{name}' was not downloaded: {refused.Message}")));
        }
        catch (HttpRequestException e)
        {
            // Refused connections, resets, a body cut short of its Content-Length: worth another try.
            return Attempt.Retry(e.Message, null);
        }
        catch (IOException e)
        {
            return Attempt.Retry(e.Message, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Attempt.Retry($"the server sent nothing for {options.ReadTimeout.TotalSeconds:0.#} s", null);
        }
        finally
        {
            if (path is not null)
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>A URL without its query (a SAS token changes every run; the resource does not).</summary>
    private static string Location(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Path) : url;

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        var delay = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return delay > TimeSpan.Zero ? delay : null;
    }

    private string TooLarge(string name) => $"'{name}' is larger than the {options.MaxBytes:N0} bytes a downloaded file may be (Downloads:MaxBytes).";

    private static FileStream Open(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous);

    private static FileSyncResult Fail(string message) =>
        FileSyncResult.Fail(new SyncError("FailedToAccessDataSource", "file_access", message, CanUserFix: true));

    /// <summary>The result of one URL: a downloaded file (path, marker, ETag), "not modified", or a task error.</summary>
    private sealed record Fetched(string? Path, string? Marker, string? ETag, bool NotModified, FileSyncResult? Failure)
    {
        public static readonly Fetched Unchanged = new(null, null, null, true, null);

        public static Fetched Failed(FileSyncResult failure) => new(null, null, null, false, failure);
    }

    /// <summary>One try: done (whatever came of it), or a transient fault worth retrying, maybe after <see cref="RetryAfter"/>.</summary>
    private sealed record Attempt(Fetched? Fetched, string? Transient, TimeSpan? RetryAfter)
    {
        public static Attempt Done(Fetched fetched) => new(fetched, null, null);

        public static Attempt Retry(string reason, TimeSpan? after) => new(null, reason, after);
    }

    /// <summary>The temporary files and retries of one file's downloads; the files are deleted with it.</summary>
    private sealed class Session : IDisposable
    {
        private readonly List<string> _files = [];

        public int Retries { get; set; }

        public string NewFile()
        {
            string path = Path.GetTempFileName();
            _files.Add(path);
            return path;
        }

        /// <summary>The file outlives the session: its caller deletes it.</summary>
        public void Keep(string path) => _files.Remove(path);

        public void Dispose()
        {
            foreach (string file in _files)
            {
                File.Delete(file);
            }
        }
    }
}
