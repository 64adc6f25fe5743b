package main

import (
	"fmt"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
)

// crossCheck finds what decodes but cannot work: references between the objects of one
// release, selectors and names the API server or kubelet would reject.
func crossCheck(manifests []manifest) []string {
	var problems []string
	report := func(m manifest, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s (%s %s): %s", m.source, m.kind, m.meta.Name, fmt.Sprintf(format, args...)))
	}
	names := map[string]bool{} // "Kind/name"
	var deployments []*appsv1.Deployment
	var services []*corev1.Service
	for _, m := range manifests {
		key := m.kind + "/" + m.meta.Name
		if names[key] {
			report(m, "two objects of this kind have this name")
		}
		names[key] = true
		switch o := m.object.(type) {
		case *appsv1.Deployment:
			deployments = append(deployments, o)
		case *corev1.Service:
			services = append(services, o)
		}
	}
	// Pods of which Deployment a selector picks, if any.
	selects := func(sel *metav1.LabelSelector) *appsv1.Deployment {
		s, err := metav1.LabelSelectorAsSelector(sel)
		if err != nil || s.Empty() {
			return nil
		}
		for _, d := range deployments {
			if s.Matches(labels.Set(d.Spec.Template.Labels)) {
				return d
			}
		}
		return nil
	}
	for _, m := range manifests {
		switch o := m.object.(type) {
		case *appsv1.Deployment:
			for _, p := range checkDeployment(o, names) {
				report(m, "%s", p)
			}
		case *corev1.Service:
			d := selects(&metav1.LabelSelector{MatchLabels: o.Spec.Selector})
			if d == nil {
				report(m, "selector %v matches the pods of no Deployment", o.Spec.Selector)
				continue
			}
			for _, port := range o.Spec.Ports {
				if port.TargetPort.StrVal != "" && !hasContainerPort(d, port.TargetPort.StrVal) {
					report(m, "targetPort %q is no container port of Deployment %s", port.TargetPort.StrVal, d.Name)
				}
			}
		case *policyv1.PodDisruptionBudget:
			if selects(o.Spec.Selector) == nil {
				report(m, "selector matches the pods of no Deployment")
			}
		case *autoscalingv2.HorizontalPodAutoscaler:
			ref := o.Spec.ScaleTargetRef
			if ref.Kind != "Deployment" || !names["Deployment/"+ref.Name] {
				report(m, "scaleTargetRef %s %q is no Deployment of this release", ref.Kind, ref.Name)
			}
			if o.Spec.MinReplicas != nil && *o.Spec.MinReplicas > o.Spec.MaxReplicas {
				report(m, "minReplicas %d > maxReplicas %d", *o.Spec.MinReplicas, o.Spec.MaxReplicas)
			}
		case *ScaledObject:
			for _, p := range checkScaledObject(o, names) {
				report(m, "%s", p)
			}
		case *monitoringv1.ServiceMonitor:
			sel, err := metav1.LabelSelectorAsSelector(&o.Spec.Selector)
			matched := false
			for _, s := range services {
				if err == nil && !sel.Empty() && sel.Matches(labels.Set(s.Labels)) {
					matched = true
					for _, e := range o.Spec.Endpoints {
						if e.Port != "" && !hasServicePort(s, e.Port) {
							report(m, "endpoint port %q is no port of Service %s", e.Port, s.Name)
						}
					}
				}
			}
			if !matched {
				report(m, "selector matches no Service of this release")
			}
		}
	}
	return problems
}

func checkDeployment(d *appsv1.Deployment, names map[string]bool) []string {
	var problems []string
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil || sel.Empty() || !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
		problems = append(problems, "spec.selector does not match spec.template.metadata.labels")
	}
	problems = append(problems, validateLabels("spec.template.metadata.labels", d.Spec.Template.Labels)...)
	pod := d.Spec.Template.Spec
	if sa := pod.ServiceAccountName; sa != "" && sa != "default" && !names["ServiceAccount/"+sa] {
		problems = append(problems, fmt.Sprintf("serviceAccountName %q is no ServiceAccount of this release", sa))
	}
	volumes := map[string]bool{}
	for _, v := range pod.Volumes {
		volumes[v.Name] = true
	}
	for _, c := range pod.Containers {
		if c.Image == "" {
			problems = append(problems, fmt.Sprintf("container %s has no image", c.Name))
		}
		seen := map[string]bool{}
		for _, e := range c.Env {
			for _, msg := range validation.IsEnvVarName(e.Name) {
				problems = append(problems, fmt.Sprintf("container %s env %q: %s", c.Name, e.Name, msg))
			}
			if seen[e.Name] {
				problems = append(problems, fmt.Sprintf("container %s sets env %s twice", c.Name, e.Name))
			}
			seen[e.Name] = true
		}
		for _, from := range c.EnvFrom {
			if ref := from.ConfigMapRef; ref != nil && !names["ConfigMap/"+ref.Name] {
				problems = append(problems, fmt.Sprintf("container %s reads ConfigMap %q, which this release does not create", c.Name, ref.Name))
			}
		}
		for _, vm := range c.VolumeMounts {
			if !volumes[vm.Name] {
				problems = append(problems, fmt.Sprintf("container %s mounts undeclared volume %q", c.Name, vm.Name))
			}
		}
		for _, probe := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
			if probe != nil && probe.HTTPGet != nil && probe.HTTPGet.Port.StrVal != "" && !hasContainerPort(d, probe.HTTPGet.Port.StrVal) {
				problems = append(problems, fmt.Sprintf("container %s probes port %q, which it does not declare", c.Name, probe.HTTPGet.Port.StrVal))
			}
		}
	}
	return problems
}

func checkScaledObject(o *ScaledObject, names map[string]bool) []string {
	var problems []string
	ref := o.Spec.ScaleTargetRef
	if ref == nil || (ref.Kind != "" && ref.Kind != "Deployment") || !names["Deployment/"+ref.Name] {
		problems = append(problems, "scaleTargetRef is no Deployment of this release")
	}
	if o.Spec.MinReplicaCount != nil && o.Spec.MaxReplicaCount != nil && *o.Spec.MinReplicaCount > *o.Spec.MaxReplicaCount {
		problems = append(problems, fmt.Sprintf("minReplicaCount %d > maxReplicaCount %d", *o.Spec.MinReplicaCount, *o.Spec.MaxReplicaCount))
	}
	if len(o.Spec.Triggers) == 0 {
		problems = append(problems, "no triggers")
	}
	for _, t := range o.Spec.Triggers {
		required, known := requiredTriggerMetadata[t.Type]
		if !known {
			problems = append(problems, fmt.Sprintf("trigger type %q is not one this chart uses", t.Type))
		}
		for _, key := range required {
			if t.Metadata[key] == "" {
				problems = append(problems, fmt.Sprintf("%s trigger needs metadata.%s", t.Type, key))
			}
		}
	}
	return problems
}

func hasContainerPort(d *appsv1.Deployment, name string) bool {
	for _, c := range d.Spec.Template.Spec.Containers {
		for _, p := range c.Ports {
			if p.Name == name {
				return true
			}
		}
	}
	return false
}

func hasServicePort(s *corev1.Service, name string) bool {
	for _, p := range s.Spec.Ports {
		if p.Name == name {
			return true
		}
	}
	return false
}
