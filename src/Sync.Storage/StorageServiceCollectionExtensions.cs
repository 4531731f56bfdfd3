using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Sync.Engine.Stores;

namespace Sync.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the storage account (from the <c>Storage</c> configuration section), every store, a hosted service
    /// that creates the tables and containers at start-up, and ASP.NET Core Data Protection with its key ring in
    /// blobs (encrypted with the <c>DataProtection</c> section's certificate when there is one).
    /// </summary>
    public static IServiceCollection AddSyncStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        services.AddSingleton(options);
        services.AddSingleton<StorageAccount>();
        services.AddSingleton<IStoreHealth>(sp => sp.GetRequiredService<StorageAccount>());
        services.AddSingleton<IIModelStore, TableIModelStore>();
        services.AddSingleton<IStorageFileStore, BlobStorageFileStore>();
        services.AddSingleton<IConnectionStore, TableConnectionStore>();
        services.AddSingleton<IBlobStore, AzureBlobStore>();
        services.AddSingleton<IChangesetLog, TableChangesetLog>();
        services.AddSingleton<IRunStore, TableRunStore>();
        services.AddSingleton<IITwinStore, TableITwinStore>();
        services.AddSingleton<IUserGrantStore, TableUserGrantStore>();
        services.AddSingleton<IStorageFolderStore, TableStorageFolderStore>();

        // Before Data Protection, whose own hosted service reads the key ring (in a container) at start-up.
        services.AddHostedService<StorageInitializer>();
        var dataProtection = services.AddDataProtection().SetApplicationName("SyncFunctions");
        if ((configuration.GetSection(KeyRingProtection.Section).Get<KeyRingProtection>() ?? new KeyRingProtection()).LoadCertificate() is { } certificate)
        {
            dataProtection.ProtectKeysWithCertificate(certificate);
        }

        services.AddOptions<KeyManagementOptions>().Configure<StorageAccount>((keys, storage) => keys.XmlRepository = new BlobKeyRing(storage));
        return services;
    }
}
