using System.Net;
using System.Security.Cryptography;
using Sync.Engine.Changes;

namespace Sync.Durable.Runs;

/// <summary>
/// Reads manifest files from their pre-authenticated URLs: streams the download to a temporary file while
/// hashing it (the hash is the file's version marker, since URLs change every run), then synchronizes from that
/// file. A URL that answers 4xx or cannot be reached is a task error the user can fix; 5xx is thrown as transient.
/// </summary>
public sealed class SourceDownloader(HttpClient http)
{
    public async Task<FileSyncResult> SynchronizeAsync(FileSynchronizer synchronizer, FileWork work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(synchronizer);
        ArgumentNullException.ThrowIfNull(work);
        string path = Path.GetTempFileName();
        try
        {
            string marker;
            try
            {
                using var response = await http.GetAsync(new Uri(work.Url!), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if ((int)response.StatusCode >= 500)
                {
                    throw new HttpRequestException($"'{work.FileName}' could not be downloaded now ({(int)response.StatusCode}); retrying.", null, response.StatusCode);
                }

                if (!response.IsSuccessStatusCode)
                {
                    return Fail($"The URL of '{work.FileName}' answered {(int)response.StatusCode} {response.StatusCode}. Send a valid pre-authenticated URL with the next run.");
                }

                await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
                using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                marker = "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset());
            }
            catch (HttpRequestException e) when (e.StatusCode is null or < (HttpStatusCode)500)
            {
                return Fail($"'{work.FileName}' could not be downloaded: {e.Message}");
            }

            var request = new FileSyncRequest(work.IModelId, work.RunId, work.SourceFileId, work.FileName, work.ConnectorType, marker,
                _ => Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous)),
                work.Settings)
            {
                Document = work.Document,
                ParentSourceFileId = work.ParentSourceFileId,
                IsSpatialRoot = work.IsSpatialRoot,
            };
            return await synchronizer.SynchronizeAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static FileSyncResult Fail(string message) =>
        FileSyncResult.Fail(new SyncError("FailedToAccessDataSource", "file_access", message, CanUserFix: true));
}
