using System.Net;
using System.Security.Cryptography;
using Sync.Durable.Downloads;
using Sync.Engine.Changes;

namespace Sync.Durable.Runs;

/// <summary>
/// Reads manifest files from their pre-authenticated URLs: streams the download to a temporary file while
/// hashing it (the hash is the file's version marker, since URLs change every run), then synchronizes from that
/// file. A URL that answers 4xx or cannot be reached is a task error the user can fix; 5xx is thrown as transient.
/// </summary>
public sealed class SourceDownloader(HttpClient http, DownloadOptions options)
{
    /// <summary>The downloader of every manifest file: <see cref="SafeHttp"/>'s client under <paramref name="options"/>.</summary>
    public static SourceDownloader Create(DownloadOptions options) => new(SafeHttp.CreateClient(options), options);

    public async Task<FileSyncResult> SynchronizeAsync(FileSynchronizer synchronizer, FileWork work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(synchronizer);
        ArgumentNullException.ThrowIfNull(work);
        var downloaded = new List<string>();
        try
        {
            var (path, marker, failure) = await DownloadAsync(work.Url!, work.FileName, cancellationToken).ConfigureAwait(false);
            if (failure is not null)
            {
                return failure;
            }

            downloaded.Add(path!);
            var companions = new Dictionary<string, Func<CancellationToken, Task<Stream>>>(StringComparer.OrdinalIgnoreCase);
            foreach (var companion in (work.Companions ?? []).OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                var (companionPath, companionMarker, companionFailure) = await DownloadAsync(companion.Url, companion.Name, cancellationToken).ConfigureAwait(false);
                if (companionFailure is not null)
                {
                    return companionFailure;
                }

                downloaded.Add(companionPath!);
                companions[companion.Name] = _ => Task.FromResult<Stream>(Open(companionPath!));
                marker += $";{companion.Name}={companionMarker}";
            }

            var request = new FileSyncRequest(work.IModelId, work.RunId, work.SourceFileId, work.FileName, work.ConnectorType, marker!, _ => Task.FromResult<Stream>(Open(path!)), work.Settings)
            {
                Document = work.Document,
                ParentSourceFileId = work.ParentSourceFileId,
                IsSpatialRoot = work.IsSpatialRoot,
                Companions = companions.Count > 0 ? companions : null,
            };
            return await synchronizer.SynchronizeAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (string file in downloaded)
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>
    /// One URL streamed to a temporary file while hashing it: the path and "sha256:…" marker, or the task error of a
    /// URL that answered 4xx or could not be reached (5xx is thrown, to be retried).
    /// </summary>
    private async Task<(string? Path, string? Marker, FileSyncResult? Failure)> DownloadAsync(string url, string name, CancellationToken cancellationToken)
    {
        Uri uri;
        try
        {
            uri = SafeHttp.Check(url, options);
        }
        catch (UnsafeUrlException e)
        {
            return (null, null, Fail($"'{name}' was not downloaded: {e.Message}"));
        }

        string path = Path.GetTempFileName();
        try
        {
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if ((int)response.StatusCode >= 500)
            {
                throw new HttpRequestException($"'{name}' could not be downloaded now ({(int)response.StatusCode}); retrying.", null, response.StatusCode);
            }

            if (!response.IsSuccessStatusCode)
            {
                File.Delete(path);
                return (null, null, Fail($"The URL of '{name}' answered {(int)response.StatusCode} {response.StatusCode}. Send a valid pre-authenticated URL with the next run."));
            }

            if (response.Content.Headers.ContentLength > options.MaxBytes)
            {
                File.Delete(path);
                return (null, null, Fail(TooLarge(name)));
            }

            await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[1 << 16];
            int read;
            long total = 0;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > options.MaxBytes)
                {
                    await file.DisposeAsync().ConfigureAwait(false);
                    File.Delete(path);
                    return (null, null, Fail(TooLarge(name)));
                }

                sha.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }

            return (path, "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset()), null);
        }
        catch (HttpRequestException e) when (e.InnerException is UnsafeUrlException refused)
        {
            File.Delete(path);
            return (null, null, Fail($"'{name}' was not downloaded: {refused.Message}"));
        }
        catch (HttpRequestException e) when (e.StatusCode is null or < (HttpStatusCode)500)
        {
            File.Delete(path);
            return (null, null, Fail($"'{name}' could not be downloaded: {e.Message}"));
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private string TooLarge(string name) => $"'{name}' is larger than the {options.MaxBytes:N0} bytes a downloaded file may be (Downloads:MaxBytes).";

    private static FileStream Open(string path) => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);

    private static FileSyncResult Fail(string message) =>
        FileSyncResult.Fail(new SyncError("FailedToAccessDataSource", "file_access", message, CanUserFix: true));
}
