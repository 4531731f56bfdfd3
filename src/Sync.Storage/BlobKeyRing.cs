using System.Xml.Linq;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Sync.Storage;

/// <summary>
/// The ASP.NET Core Data Protection key ring in blob storage (one blob per key under <c>dataprotection/</c> in the
/// sync container), so every host of a deployment, and every restart, decrypts what any of them encrypted.
/// </summary>
public sealed class BlobKeyRing(StorageAccount account) : IXmlRepository
{
    private const string Prefix = "dataprotection/";
    private readonly BlobContainerClient _container = account.Container(account.Names.SyncContainer);

    // IXmlRepository is synchronous; key-ring reads happen once per refresh period, not per request.
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var keys = new List<XElement>();
        foreach (var item in _container.GetBlobs(new GetBlobsOptions { Prefix = Prefix }))
        {
            using var content = _container.GetBlobClient(item.Name).OpenRead();
            keys.Add(XElement.Load(content));
        }

        return keys;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var buffer = new MemoryStream();
        element.Save(buffer, SaveOptions.DisableFormatting);
        buffer.Position = 0;
        _container.GetBlobClient(Prefix + friendlyName + ".xml").Upload(buffer, overwrite: true);
    }
}
