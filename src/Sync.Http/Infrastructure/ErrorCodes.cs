namespace Sync.Http.Infrastructure;

/// <summary>Error codes used in responses: the spec's where it names one, ours in the same style where not.</summary>
public static class ErrorCodes
{
    public const string HeaderNotFound = "HeaderNotFound";
    public const string InvalidAuthorizationScheme = "InvalidAuthorizationScheme";
    public const string Unauthorized = "Unauthorized";

    public const string RequiredScopeMissing = "RequiredScopeMissing";
    public const string MissingRequestBody = "MissingRequestBody";
    public const string InvalidValue = "InvalidValue";
    public const string MissingRequiredProperty = "MissingRequiredProperty";
    public const string RequestBodyTooLarge = "RequestBodyTooLarge";
    public const string NotFound = "NotFound";
    public const string MethodNotAllowed = "MethodNotAllowed";
    public const string InternalServerError = "InternalServerError";

    public const string IModelNotFound = "iModelNotFound";
    public const string ITwinNotFound = "iTwinNotFound";
    public const string MemberNotFound = "MemberNotFound";
    public const string InsufficientPermissions = "InsufficientPermissions";
    public const string InvalidITwinRequest = "InvalidiTwinRequest";
    public const string InvalidAuthorizationInformationRequest = "InvalidAuthorizationInformationRequest";
    public const string InvalidAuthorizationRequest = "InvalidAuthorizationRequest";
    public const string FileNotFound = "FileNotFound";
    public const string FolderNotFound = "FolderNotFound";
    public const string InvalidFolderRequest = "InvalidFolderRequest";
    public const string ConnectionNotFound = "ConnectionNotFound";
    public const string StorageConnectionSourceFileNotFound = "StorageConnectionSourceFileNotFound";
    public const string ManifestConnectionSourceFileNotFound = "ManifestConnectionSourceFileNotFound";
    public const string ChangesetNotFound = "ChangesetNotFound";
    public const string ElementNotFound = "ElementNotFound";

    public const string InvalidIModelRequest = "InvalidiModelRequest";
    public const string InvalidFileRequest = "InvalidFileRequest";
    public const string InvalidChangesetRequest = "InvalidChangesetRequest";
    public const string InvalidElementRequest = "InvalidElementRequest";
    public const string InvalidConfigurationRequest = "InvalidConfigurationRequest";
    public const string InvalidConnectionRequest = "InvalidConnectionRequest";
    public const string InvalidStorageConnectionRequest = "InvalidStorageConnectionRequest";
    public const string InvalidManifestConnectionRequest = "InvalidManifestConnectionRequest";
    public const string InvalidStorageConnectionSourceFileRequest = "InvalidStorageConnectionSourceFileRequest";
    public const string InvalidManifestConnectionSourceFileRequest = "InvalidManifestConnectionSourceFileRequest";

    public const string SourceFileAlreadyMapped = "SourceFileAlreadyMapped";
    public const string IModelAlreadyExists = "iModelAlreadyExists";
    public const string ConcurrentModification = "ConcurrentModification";
}
