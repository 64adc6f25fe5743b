package main

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// ScaledObject mirrors the fields of KEDA's keda.sh/v1alpha1 ScaledObject
// (github.com/kedacore/keda/v2/apis/keda/v1alpha1), whose Go module drags in every scaler's
// client library. Same JSON names and types, so strict decoding catches the same mistakes;
// only `advanced` and `fallback`, which the chart does not render, are left unchecked.
type ScaledObject struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              ScaledObjectSpec `json:"spec"`
}

type ScaledObjectSpec struct {
	ScaleTargetRef        *ScaleTarget    `json:"scaleTargetRef"`
	PollingInterval       *int32          `json:"pollingInterval,omitempty"`
	InitialCooldownPeriod *int32          `json:"initialCooldownPeriod,omitempty"`
	CooldownPeriod        *int32          `json:"cooldownPeriod,omitempty"`
	IdleReplicaCount      *int32          `json:"idleReplicaCount,omitempty"`
	MinReplicaCount       *int32          `json:"minReplicaCount,omitempty"`
	MaxReplicaCount       *int32          `json:"maxReplicaCount,omitempty"`
	Advanced              *map[string]any `json:"advanced,omitempty"`
	Triggers              []ScaleTriggers `json:"triggers"`
	Fallback              *map[string]any `json:"fallback,omitempty"`
}

type ScaleTarget struct {
	Name                   string `json:"name"`
	APIVersion             string `json:"apiVersion,omitempty"`
	Kind                   string `json:"kind,omitempty"`
	EnvSourceContainerName string `json:"envSourceContainerName,omitempty"`
}

type ScaleTriggers struct {
	Type             string `json:"type"`
	Name             string `json:"name,omitempty"`
	UseCachedMetrics bool   `json:"useCachedMetrics,omitempty"`
	// KEDA reads every metadata value as a string: a bare number or boolean is an error.
	Metadata          map[string]string  `json:"metadata"`
	AuthenticationRef *AuthenticationRef `json:"authenticationRef,omitempty"`
	MetricType        string             `json:"metricType,omitempty"`
}

type AuthenticationRef struct {
	Name string `json:"name"`
	Kind string `json:"kind,omitempty"`
}

// requiredTriggerMetadata lists, per scaler type the chart uses, the metadata KEDA needs.
var requiredTriggerMetadata = map[string][]string{
	"temporal": {"endpoint", "namespace", "taskQueue"},
	"kafka":    {"bootstrapServers", "consumerGroup", "lagThreshold"},
}
