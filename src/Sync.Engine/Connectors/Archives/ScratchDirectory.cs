namespace Sync.Engine.Connectors.Archives;

/// <summary>
/// A private temporary directory for one file's reading (a zip's members, a database copied to disk), deleted with
/// everything in it when disposed. Libraries that need paths (SQLite, shapefile siblings) read from here.
/// </summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory()
    {
        Path = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sync-scratch", Guid.NewGuid().ToString("N"))).FullName;
    }

    public string Path { get; }

    /// <summary>Copies a stream to a file here, refusing more than <paramref name="maxBytes"/>.</summary>
    public async Task<string> SaveAsync(Stream content, string name, long maxBytes, CancellationToken cancellationToken)
    {
        string path = System.IO.Path.Combine(Path, name);
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using (file.ConfigureAwait(false))
        {
            await SafeZip.CopyBoundedAsync(content, file, maxBytes, name, cancellationToken).ConfigureAwait(false);
        }

        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open elsewhere (a reader not yet collected): the OS temp cleaner takes it later.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
