using Uploads.Abstractions;
using Uploads.Storage;

namespace Uploads.Grains;

/// <summary>
/// The names the server derives for an upload: its grain key and its blob name are both
/// <c>{encoded tenant}/{upload id}</c>, so no client text but a validated id ever reaches a storage name,
/// and two tenants' uploads can never share one.
/// </summary>
public static class UploadKeys
{
    /// <summary>The grain type name uploads are registered under.</summary>
    public const string GrainType = "upload";

    /// <summary>The name of the Orleans grain storage provider that holds the state of uploads.</summary>
    public const string StorageName = "uploads";

    /// <summary>The name of the upload's manifest state; its records live under <c>uploads/{encoded tenant}/</c>.</summary>
    public const string ManifestStateName = "uploads";

    /// <summary>The prefix of the names of the states holding pages of the upload's parts: <c>upload-parts-{page:D5}</c>.</summary>
    public const string PartsStateName = "upload-parts";

    /// <summary>The prefix of the index records through which a tenant's uploads are listed: <c>upload-index/{encoded tenant}/{upload id}</c>.</summary>
    public const string IndexName = "upload-index";

    /// <summary>The grain type name tenants are registered under.</summary>
    public const string TenantGrainType = "tenant";

    /// <summary>The prefix of the records that mark a tenant's active uploads: <c>active-uploads/{encoded tenant}/{upload id}</c>.</summary>
    public const string ActiveMarkerName = "active-uploads";

    /// <summary>The grain key (and blob name) of upload <paramref name="uploadId"/> of <paramref name="tenant"/>.</summary>
    public static string GrainKey(string tenant, string uploadId)
    {
        if (!UploadIds.IsValid(uploadId))
        {
            throw new ArgumentException($"'{uploadId}' is not a valid upload id.", nameof(uploadId));
        }

        return $"{TenantSegment(tenant)}/{uploadId}";
    }

    /// <summary>The storage segment of a tenant.</summary>
    public static string TenantSegment(string tenant) => StorageNames.EncodeSegment(tenant);

    /// <summary>The record that marks an upload as active (neither completed, aborted nor expired) for its tenant's limit.</summary>
    public static string ActiveMarkerKey(string grainKey) => $"{ActiveMarkerName}/{grainKey}";

    /// <summary>The prefix of the active-upload markers of the tenant whose storage segment is <paramref name="tenantSegment"/>.</summary>
    public static string ActiveMarkerPrefix(string tenantSegment) => $"{ActiveMarkerName}/{tenantSegment}/";

    /// <summary>The index record of an upload: it lists the upload until its manifest is deleted.</summary>
    public static string IndexKey(string grainKey) => $"{IndexName}/{grainKey}";

    /// <summary>The prefix under which the index records of a tenant's uploads are listed.</summary>
    public static string IndexPrefix(string tenant) => $"{IndexName}/{TenantSegment(tenant)}/";

    /// <summary>The name of the state of page <paramref name="pageIndex"/> of an upload's parts.</summary>
    public static string PageStateName(int pageIndex) => $"{PartsStateName}-{pageIndex.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>The Orleans grain id of the upload whose grain key is <paramref name="grainKey"/>.</summary>
    public static GrainId UploadGrainId(string grainKey) => GrainId.Create(GrainType, grainKey);
}
