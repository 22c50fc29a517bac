"""Area profile (placeholder until its issue lands)."""
import streamlit as st

st.title("Area profile")
st.info("This page is being built.")
