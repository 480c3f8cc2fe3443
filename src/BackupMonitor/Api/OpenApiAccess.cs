using System.Text.Json.Nodes;
using BackupMonitor.Security;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BackupMonitor.Api;

/// <summary>
/// /openapi/v1.json says how to authenticate (a bearer scheme) and, per operation, the role it needs (SPEC §11): the
/// `x-required-role` extension, `x-access-action`, and a sentence in the description. Read from the route's <see cref="AccessMetadata"/>.
/// </summary>
internal static class OpenApiAccess
{
    public const string SchemeName = "Bearer";

    public static OpenApiOptions AddAccessDescriptions(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer",
                Description = "A key of API_KEYS (admin), API_READ_KEYS (viewer), or one made by `keys add` (bmk_…)",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var access = context.Description.ActionDescriptor.EndpointMetadata.OfType<AccessMetadata>().LastOrDefault();
            if (access is null) return Task.CompletedTask;
            var role = Decisions.Access.Wire(Decisions.Access.Needs(access.Action));
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions["x-required-role"] = new JsonNodeExtension(JsonValue.Create(role));
            operation.Extensions["x-access-action"] = new JsonNodeExtension(JsonValue.Create(access.Action.ToString()));
            var scope = access.Action == Decisions.AccessAction.ReadMetrics ? " without a company list" : ", within the key's companies";
            operation.Description = $"{operation.Description}{(string.IsNullOrEmpty(operation.Description) ? "" : " ")}Role needed: {role}{(role == "admin" ? "" : scope)}.".Trim();
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] });
            return Task.CompletedTask;
        });
        return options;
    }
}
