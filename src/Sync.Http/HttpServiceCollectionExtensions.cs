using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Sync.Durable.Resync;
using Sync.Durable.Runs;
using Sync.Engine.Stores;
using Sync.Http.Access;
using Sync.Http.Api;
using Sync.Http.Auth;
using Sync.Http.Grants;
using Sync.Http.Routing;

namespace Sync.Http;

public static class HttpServiceCollectionExtensions
{
    /// <summary>
    /// Registers the dispatcher, token validation and every handler (scoped: one per invocation, so a host can
    /// supply per-invocation services such as the Functions durable client). Development tokens only when
    /// <paramref name="allowDevTokens"/>.
    /// </summary>
    public static IServiceCollection AddSyncHttpApi(this IServiceCollection services, IConfiguration configuration, bool allowDevTokens)
    {
        services.AddCors();
        var corsSettings = configuration.GetSection(CorsSettings.Section).Get<CorsSettings>() ?? new CorsSettings();
        services.AddSingleton(corsSettings);
        var corsPolicy = corsSettings.Policy(isDevelopment: allowDevTokens);
        services.AddSingleton(sp => new ApiCors(sp.GetRequiredService<ICorsService>(), corsPolicy));
        services.AddSingleton(configuration.GetSection(RateLimitSettings.Section).Get<RateLimitSettings>() ?? new RateLimitSettings());
        services.AddSingleton<ApiRateLimits>();
        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        auth.AllowDevTokens = allowDevTokens;
        services.AddSingleton(auth);
        services.AddSingleton<TokenService>();
        services.AddSingleton<ApiDispatcher>();
        services.AddSingleton(configuration.GetSection(AccessOptions.Section).Get<AccessOptions>() ?? new AccessOptions());
        services.AddSingleton<AccessControl>();
        services.AddHostedService<UnrecordedITwinAdoption>();
        services.AddSingleton(configuration.GetSection(UserGrantOptions.Section).Get<UserGrantOptions>() ?? new UserGrantOptions());
        services.AddSingleton(sp => new UserGrants(
            sp.GetRequiredService<UserGrantOptions>(),
            sp.GetRequiredService<IUserGrantStore>(),
            sp.GetRequiredService<IITwinStore>(),
            sp.GetRequiredService<IDataProtectionProvider>(),
            sp.GetRequiredService<TokenService>(),
            new HttpClient { Timeout = TimeSpan.FromSeconds(30) }));
        services.AddSingleton<IRunAuthorization>(sp => sp.GetRequiredService<UserGrants>());
        services.AddSingleton(configuration.GetSection(ResyncOptions.Section).Get<ResyncOptions>() ?? new ResyncOptions());
        services.AddScoped<StorageFileChanges>();
        services.AddScoped<HealthApi>();
        services.AddScoped<ITwinsApi>();
        services.AddScoped<AuthorizationApi>();
        services.AddScoped<IModelsApi>();
        services.AddScoped<StorageFilesApi>();
        services.AddScoped<StorageFoldersApi>();
        services.AddScoped<RecycleBinApi>();
        services.AddSingleton(configuration.GetSection(StorageUploadOptions.Section).Get<StorageUploadOptions>() ?? new StorageUploadOptions());
        services.AddScoped<ChangesetsApi>();
        services.AddScoped<ElementsApi>();
        services.AddScoped<RunsApi>();
        services.AddScoped<ConfigurationsApi>();
        services.AddScoped<ConnectionsApi>();
        services.AddScoped<StorageConnectionsApi>();
        services.AddScoped<ManifestConnectionsApi>();
        return services;
    }
}
