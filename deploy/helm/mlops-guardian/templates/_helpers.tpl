{{/* The release's full name, at most 63 characters (a DNS label). */}}
{{- define "mlops-guardian.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The roles in the order they are rendered; one Deployment each. */}}
{{- define "mlops-guardian.roleNames" -}}
guardian video report bridge
{{- end -}}

{{/* Name of one role's objects. Call with (dict "root" $ "role" "guardian"). */}}
{{- define "mlops-guardian.roleFullname" -}}
{{- printf "%s-%s" (include "mlops-guardian.fullname" .root | trunc 54 | trimSuffix "-") .role -}}
{{- end -}}

{{/* Labels that select one role's pods. Call with (dict "root" $ "role" "guardian"). */}}
{{- define "mlops-guardian.selectorLabels" -}}
app.kubernetes.io/name: {{ default .root.Chart.Name .root.Values.nameOverride | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .role }}
{{- end -}}

{{/* Labels of every object. Call with (dict "root" $ "role" "guardian"); role may be empty. */}}
{{- define "mlops-guardian.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ default .root.Chart.Name .root.Values.nameOverride | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- with .role }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{- define "mlops-guardian.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "mlops-guardian.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
A value of `config` as an environment variable's text: numbers as written (not 1.048576e+06),
booleans as true/false.
*/}}
{{- define "mlops-guardian.envText" -}}
{{- if kindIs "string" . -}}{{- . -}}{{- else -}}{{- toYaml . | trim -}}{{- end -}}
{{- end -}}

{{/*
One setting as a role sees it: the role's own `config`, else the shared `config`, else the
default given. Call with (dict "root" $ "role" $role "name" "TEMPORAL_ADDRESS" "default" "").
*/}}
{{- define "mlops-guardian.setting" -}}
{{- $roleConfig := .role.config | default dict -}}
{{- $value := "" -}}
{{- if hasKey $roleConfig .name -}}
{{- $value = include "mlops-guardian.envText" (index $roleConfig .name) -}}
{{- else if hasKey .root.Values.config .name -}}
{{- $value = include "mlops-guardian.envText" (index .root.Values.config .name) -}}
{{- end -}}
{{- default .default $value -}}
{{- end -}}

{{/*
Certificate files mounted from existing Secrets: per mount its volume name, its values under
`secrets` and, for each key field, the variable that gets the mounted file's path. A field left
empty mounts nothing and sets nothing.
*/}}
{{- define "mlops-guardian.tlsMounts" -}}
- volume: temporal-tls
  values: temporalTls
  vars: { certKey: TEMPORAL_TLS_CERT_PATH, keyKey: TEMPORAL_TLS_KEY_PATH, caKey: TEMPORAL_TLS_CA_PATH }
- volume: kafka-tls
  values: kafkaTls
  vars: { caKey: KAFKA_SSL_CA_PATH, certKey: KAFKA_SSL_CERT_PATH, keyKey: KAFKA_SSL_KEY_PATH }
- volume: postgres-tls
  values: postgresTls
  vars: { caKey: DATABASE_SSL_CA_PATH }
{{- end -}}
